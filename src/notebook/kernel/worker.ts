// The kernel's Web Worker: one Kernel, one Wasm instance (serve.ts runs the
// cells), and for sweeps a pool of module workers of its own, one per core. Interrupt aborts the running cell's signal (simulations and sweeps
// stop between Wasm batches). Plot draws into a linkedom document here, since
// a worker has none of its own.
import { parseHTML } from "linkedom";
import wasmUrl from "../../../build/nvmesim.wasm?url";
import seedCsvUrl from "../../model/seed/seed-profile.csv?url";
import { storedName } from "./stored";
import { compileNvmesim, instantiateNvmesim, type Nvmesim } from "../../wasm/module";
import { Kernel } from "./kernel";
import { reusedPool, webPointWorker, workerPool } from "./point-pool";
import { serveKernel } from "./serve";
import type { FromKernel, KernelFiles, ToKernel } from "./protocol";

const STORED = import.meta.glob<string>("../../../notebooks/data/*.json", {
  query: "?url",
  import: "default",
  eager: true,
});

const { document } = parseHTML("<!doctype html><html><body></body></html>");
(globalThis as { window?: unknown }).window ??= { document }; // Plot looks for window.document

// Compiled once: the kernel's instance and every point worker's come from it (a worker sent the compiled module
// neither fetches nor compiles, and starts on code the engine has already optimized).
let compiled: Promise<WebAssembly.Module> | undefined;
const compile = () => (compiled ??= compileNvmesim(new URL(wasmUrl, self.location.href)));
let module: Promise<Nvmesim> | undefined;
const pools = reusedPool((size) =>
  workerPool(
    () => webPointWorker(new Worker(new URL("./point-worker-web.ts", import.meta.url), { type: "module" }), compile()),
    size,
  ),
);
const kernel = new Kernel({
  loadNvmesim: () => (module ??= compile().then(instantiateNvmesim)),
  // Module workers started from this one, each with its own instance, kept from one sweep to the next.
  pointPool: (size) => pools(size ?? Math.max(1, navigator.hardwareConcurrency || 1)),
  document: document as unknown as Document,
  seedProfileCsv: async () => (await fetch(new URL(seedCsvUrl, self.location.href))).text(),
  // The page carries the stored data it was built with.
  stored: {
    async load(name) {
      const url = STORED[`../../../notebooks/data/${storedName(name)}.json`];
      if (!url) return undefined;
      return (await fetch(new URL(url, self.location.href))).json();
    },
  },
  importModule: (specifier) => import(/* @vite-ignore */ specifier),
  // Files come from the notebook server the page was opened through (its contents API), beside the notebook.
  async readFile(path) {
    if (!files)
      throw new Error(
        `cannot read ${path}: the page reads files through a notebook server (npm start), and it has none`,
      );
    const full = [...files.dir.split("/"), ...path.split("/")].filter((p) => p !== "" && p !== ".").join("/");
    const url = `/api/contents/${full.split("/").map(encodeURIComponent).join("/")}?content=1&format=text`;
    const r = await fetch(url, { headers: { Authorization: `token ${files.token}` } });
    const body = (await r.json().catch(() => ({}))) as { content?: unknown; message?: string };
    if (!r.ok || typeof body.content !== "string")
      throw new Error(`cannot read ${path}: ${body.message ?? r.statusText}`);
    return body.content;
  },
});

let files: KernelFiles | undefined;
const receive = serveKernel(
  kernel,
  (m: FromKernel) => self.postMessage(m),
  (f) => (files = f),
);
self.onmessage = (event: MessageEvent<ToKernel>) => receive(event.data);
