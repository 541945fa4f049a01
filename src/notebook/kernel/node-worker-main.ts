// The kernel as the browser's worker runs it, in a Node worker thread: the
// same Kernel and messages, the Wasm module read from disk, Plot drawing into
// a linkedom document. A cell over its time limit is stopped by terminating
// this thread (nb run's --timeout), as Restart does in the page.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parentPort } from "node:worker_threads";
import { availableParallelism } from "node:os";
import { parseHTML } from "linkedom";
import Tinypool from "tinypool";
import { SWEEP_WORKER } from "../../sweep/run";
import type { PointOutcome } from "../../sweep/point-run";
import { reusedPool } from "./point-pool";
import type { Nvmesim } from "../../wasm/module";
import { ROOT } from "../../wasm/build";
import { loadNvmesim } from "../../wasm/node";
import { Kernel } from "./kernel";
import { serveKernel } from "./serve";
import { storedName } from "./stored";
import type { FromKernel, ToKernel } from "./protocol";

const { document } = parseHTML("<!doctype html><html><body></body></html>");
(globalThis as { window?: unknown }).window ??= { document };

let module: Promise<Nvmesim> | undefined;
// Worker threads, each with its own module (nvmesim sweep's worker), kept from one sweep to the next; tinypool
// ends a thread whose task is aborted.
const pools = reusedPool((threads) => {
  const pool = new Tinypool({ filename: SWEEP_WORKER.href, minThreads: 0, maxThreads: threads });
  let closed = false;
  return {
    size: threads,
    run: (task, signal) => pool.run(task, { signal }) as Promise<PointOutcome>,
    close: () => {
      closed = true;
      void pool.destroy();
    },
    get closed() {
      return closed;
    },
  };
});
/** Where the shipped notebooks' stored data lives (stored.ts). */
const STORED_DIR = join(ROOT, "notebooks", "data");

const kernel = new Kernel({
  loadNvmesim: () => (module ??= loadNvmesim()),
  pointPool: (size) => pools(size ?? availableParallelism()),
  document: document as unknown as Document,
  seedProfileCsv: async () => readFileSync(join(ROOT, "src/model/seed/seed-profile.csv"), "utf8"),
  stored: {
    async load(name) {
      const file = join(STORED_DIR, `${storedName(name)}.json`);
      return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as unknown) : undefined;
    },
    // The file is replaced whole: a cut-off save leaves the old one.
    async save(name, value) {
      mkdirSync(STORED_DIR, { recursive: true });
      const file = join(STORED_DIR, `${storedName(name)}.json`);
      writeFileSync(`${file}.tmp`, JSON.stringify(value, null, 1) + "\n");
      renameSync(`${file}.tmp`, file);
    },
  },
  importModule: (specifier) => import(specifier),
  // A cell's file, beside the notebook (nb run says where it is), else in the working folder.
  readFile: async (path) => readFileSync(resolve(filesDir ?? process.cwd(), path), "utf8"),
  machine: {
    async measure(config, options) {
      const [{ measure }, { REAL_SYSTEM }, { validateConfig }] = await Promise.all([
        import("../../measure/measure"),
        import("../../measure/system"),
        import("../../model/config"),
      ]);
      return measure(validateConfig(config), { ...options, allowWrite: false }, REAL_SYSTEM);
    },
    async measureSwap(o) {
      const [{ measureSwap }, { REAL_SYSTEM }, { parseSize }] = await Promise.all([
        import("../../measure/swap"),
        import("../../measure/system"),
        import("../../model/config"),
      ]);
      const opts = {
        seconds: o.seconds,
        memoryBytes: parseSize("memory", o.memory),
        workingSetBytes: parseSize("workingSet", o.workingSet),
        pattern: "sequential" as const,
        perf: o.perf,
      };
      return measureSwap(opts, REAL_SYSTEM);
    },
  },
});
const port = parentPort!;
let filesDir: string | undefined;
const receive = serveKernel(
  kernel,
  (m: FromKernel) => port.postMessage(m),
  (files) => (filesDir = files?.dir),
);
port.on("message", (m: ToKernel) => receive(m));
