// The package's sweep worker thread entry (the checkout's is src/sweep/worker.js, through tsx).
import { runPoint } from "../sweep/point-worker";

export default runPoint;
