// Where the package's Wasm module is, written so bundlers find it: Vite and
// others copy the file a `new URL("...", import.meta.url)` names into the build.
export const wasmUrl = new URL("./nvmesim.wasm", import.meta.url);
