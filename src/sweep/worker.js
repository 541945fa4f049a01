// A sweep worker thread: the point runner from the checkout's bundle (as the
// nvmesim command runs, src/wasm/build-cli.js), or through tsx's loader when
// the bundle cannot be made or NVMESIM_TSX=1 asks; it hands it to the pool.
import { workerModule } from "../wasm/worker-module.js";

const { runPoint } = await workerModule("sweep/point-worker.ts", () => import("./point-worker.ts"));
export default runPoint;
