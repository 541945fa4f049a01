// The kernel in a Node worker thread (nvmesim nb run): its entry from the
// checkout's bundle (as the nvmesim command runs, src/cli/build-cli.js), or
// through tsx's loader when the bundle cannot be made or NVMESIM_TSX=1 asks.
import { workerModule } from "../../cli/worker-module.js";

await workerModule("notebook/kernel/node-worker-main.ts", () => import("./node-worker-main.ts"));
