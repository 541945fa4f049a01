// The kernel as the browser's worker runs it, in a Node worker thread: the
// same Kernel and messages, the Wasm module read from disk, Plot drawing into
// a linkedom document. A cell over its time limit is stopped by terminating
// this thread (nb run's --timeout), as Restart does in the page.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parentPort } from "node:worker_threads";
import { parseHTML } from "linkedom";
import type { Nvmesim } from "../../wasm/module";
import { ROOT } from "../../wasm/build";
import { loadNvmesim } from "../../wasm/node";
import { Kernel } from "./kernel";
import type { FromKernel, ToKernel } from "./protocol";

const { document } = parseHTML("<!doctype html><html><body></body></html>");
(globalThis as { window?: unknown }).window ??= { document };

let module: Promise<Nvmesim> | undefined;
const kernel = new Kernel({
  loadNvmesim: () => (module ??= loadNvmesim()),
  document: document as unknown as Document,
  seedProfileCsv: async () => readFileSync(join(ROOT, "src/model/seed/seed-profile.csv"), "utf8"),
  importModule: (specifier) => import(specifier),
});
const port = parentPort!;
const post = (m: FromKernel) => port.postMessage(m);
let running: AbortController | undefined;
let queue = Promise.resolve();

port.on("message", (m: ToKernel) => {
  if (m.type === "interrupt") {
    running?.abort();
    return;
  }
  queue = queue.then(async () => {
    running = new AbortController();
    const started = performance.now();
    const { ok } = await kernel.execute(m.source, {
      cellId: m.cellId,
      executionCount: m.executionCount,
      widgets: m.widgets,
      signal: running.signal,
      emit: (output) => post({ type: "output", cellId: m.cellId, output }),
      update: (displayId, output) => post({ type: "update", cellId: m.cellId, displayId, output }),
      progress: () => {},
    });
    post({ type: "done", cellId: m.cellId, ok, ms: performance.now() - started });
  });
});
post({ type: "ready" });
