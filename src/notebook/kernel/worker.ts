// The kernel's Web Worker: one Kernel, one Wasm instance, cells run one at a
// time in the order they arrive. Interrupt aborts the running cell's signal
// (simulations and sweeps stop between Wasm batches). Plot draws into a
// linkedom document here, since a worker has none of its own.
import { parseHTML } from "linkedom";
import wasmUrl from "../../../build/nvmesim.wasm?url";
import seedCsvUrl from "../../model/seed/seed-profile.csv?url";
import { fetchNvmesim, type Nvmesim } from "../../wasm/module";
import { Kernel } from "./kernel";
import type { FromKernel, ToKernel } from "./protocol";

const { document } = parseHTML("<!doctype html><html><body></body></html>");
(globalThis as { window?: unknown }).window ??= { document }; // Plot looks for window.document

let module: Promise<Nvmesim> | undefined;
const kernel = new Kernel({
  loadNvmesim: () => (module ??= fetchNvmesim(new URL(wasmUrl, self.location.href))),
  document: document as unknown as Document,
  seedProfileCsv: async () => (await fetch(new URL(seedCsvUrl, self.location.href))).text(),
  importModule: (specifier) => import(/* @vite-ignore */ specifier),
});

const post = (m: FromKernel) => self.postMessage(m);
let running: AbortController | undefined;
let queue = Promise.resolve();

self.onmessage = (event: MessageEvent<ToKernel>) => {
  const m = event.data;
  if (m.type === "interrupt") {
    running?.abort();
    return;
  }
  queue = queue.then(async () => {
    const controller = new AbortController();
    running = controller;
    const started = performance.now();
    let lastProgress = 0;
    const { ok } = await kernel.execute(m.source, {
      cellId: m.cellId,
      executionCount: m.executionCount,
      widgets: m.widgets,
      signal: controller.signal,
      emit: (output) => post({ type: "output", cellId: m.cellId, output }),
      update: (displayId, output) => post({ type: "update", cellId: m.cellId, displayId, output }),
      progress: (label, fraction) => {
        const now = performance.now();
        if (now - lastProgress < 50 && fraction < 1) return;
        lastProgress = now;
        post({ type: "progress", cellId: m.cellId, label, fraction });
      },
    });
    running = undefined;
    post({ type: "done", cellId: m.cellId, ok, ms: performance.now() - started });
  });
};

post({ type: "ready" });
