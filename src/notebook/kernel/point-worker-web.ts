// A sweep point worker in the page: a module worker the kernel's worker starts,
// with its own Wasm instance of the module the kernel compiled (its first
// message), running the points it is sent one at a time.
import { pointRunner, type PointTask } from "../../sweep/point-run";
import { instantiateNvmesim } from "../../wasm/module";
import type { PointWorkerInit } from "./point-pool";

let received = (_module: WebAssembly.Module) => {};
const compiled = new Promise<WebAssembly.Module>((resolve) => (received = resolve));
const run = pointRunner(() => compiled.then(instantiateNvmesim));
self.onmessage = async (event: MessageEvent<PointTask | PointWorkerInit>) => {
  if ("module" in event.data) received(event.data.module);
  else self.postMessage(await run(event.data));
};
