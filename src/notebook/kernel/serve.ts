// A kernel behind messages, the same in the page's Web Worker and in nb run's
// Node worker thread: cells run one at a time in the order they arrive, each
// with its own stop signal that Interrupt aborts; progress is passed on at
// most every 50 ms.
import type { Kernel } from "./kernel";
import type { FromKernel, KernelFiles, ToKernel } from "./protocol";

/** Handles the messages of one kernel; returns the function to call with each incoming message. */
export function serveKernel(
  kernel: Kernel,
  post: (m: FromKernel) => void,
  onFiles: (files: KernelFiles | undefined) => void = () => {},
): (m: ToKernel) => void {
  let running: AbortController | undefined;
  let queue = Promise.resolve();
  post({ type: "ready" });
  return (m) => {
    if (m.type === "interrupt") {
      running?.abort();
      return;
    }
    if (m.type === "files") {
      onFiles(m.files);
      return;
    }
    queue = queue.then(async () => {
      const controller = new AbortController();
      running = controller;
      const started = performance.now();
      let lastProgress = 0;
      const { ok } = await kernel.execute(m.source, {
        cellId: m.cellId,
        executionCount: m.executionCount,
        widgets: m.widgets,
        signal: controller.signal,
        emit: (output) => post({ type: "output", cellId: m.cellId, output }),
        update: (displayId, output) => post({ type: "update", cellId: m.cellId, displayId, output }),
        progress: (label, fraction) => {
          const now = performance.now();
          if (now - lastProgress < 50 && fraction < 1) return;
          lastProgress = now;
          post({ type: "progress", cellId: m.cellId, label, fraction });
        },
      });
      running = undefined;
      post({ type: "done", cellId: m.cellId, ok, ms: performance.now() - started });
    });
  };
}
