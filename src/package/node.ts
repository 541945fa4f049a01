// The package's Node entry: `import { simulate, sweep } from "nvmesim"`, the
// module read from the package (lib/nvmesim.wasm) and compiled once.
import { loadNvmesim } from "../wasm/node";
import { nvmesimApi } from "./api";

export * from "./api";
export { simulateFio, simulateFioGroups } from "../run/fio-report";

const api = nvmesimApi(loadNvmesim);
export const simulate = api.simulate;
export const sweep = api.sweep;
