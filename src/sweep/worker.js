// A sweep worker thread: loads the TypeScript point runner through tsx's
// loader (as the nvmesim command does) and hands it to the pool.
import { register } from "tsx/esm/api";

register();
const { runPoint } = await import("./point-worker.ts");
export default runPoint;
