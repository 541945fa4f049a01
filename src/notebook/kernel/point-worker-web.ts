// A sweep point worker in the page: a module worker the kernel's worker starts,
// with its own Wasm instance, running the points it is sent one at a time.
import wasmUrl from "../../../build/nvmesim.wasm?url";
import { pointRunner, type PointTask } from "../../sweep/point-run";
import { fetchNvmesim } from "../../wasm/module";

const run = pointRunner(() => fetchNvmesim(new URL(wasmUrl, self.location.href)));
self.onmessage = async (event: MessageEvent<PointTask>) => self.postMessage(await run(event.data));
