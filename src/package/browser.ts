// The package's browser entry: `import { simulate, sweep } from "nvmesim"` in
// a bundle. The module is fetched by URL from wasm-url.js, which a bundler
// (Vite, for one) sees as `new URL("./nvmesim.wasm", import.meta.url)` and
// ships the .wasm beside the bundle.
import { fetchNvmesim, instantiateNvmesim } from "../wasm/module";
import { nvmesimApi } from "./api";
// @ts-expect-error: a plain JavaScript file of the package (lib/wasm-url.js), not bundled.
import { wasmUrl } from "./wasm-url.js";

export * from "./api";

let compiled: Promise<WebAssembly.Module> | undefined;
const api = nvmesimApi(async () => {
  compiled ??= fetch(wasmUrl as URL).then(async (r) => {
    if (!r.ok) throw new Error(`cannot load ${String(wasmUrl)}: HTTP ${r.status}`);
    return WebAssembly.compile(await r.arrayBuffer());
  });
  return instantiateNvmesim(await compiled);
});
export const simulate = api.simulate;
export const sweep = api.sweep;
export { fetchNvmesim };
