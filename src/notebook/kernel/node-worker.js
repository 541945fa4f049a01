// The kernel in a Node worker thread (nvmesim nb run): its entry from the
// checkout's bundle (as the nvmesim command runs, src/wasm/build-cli.js), or
// through tsx's loader when the bundle cannot be made or NVMESIM_TSX=1 asks.
import { workerModule } from "../../wasm/worker-module.js";

await workerModule("notebook/kernel/node-worker-main.ts", () => import("./node-worker-main.ts"));
