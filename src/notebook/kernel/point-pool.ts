// A pool of workers for a cell's sweep(): each worker has its own Wasm
// instance and runs one point at a time; the kernel keeps every worker busy
// and collects the results as they come. In the page the workers are module
// workers started by the kernel's own worker; in nb run, worker threads. A
// stopped sweep terminates them all: the next one starts fresh workers.
import type { PointOutcome, PointTask } from "../../sweep/point-run";

export type { PointOutcome, PointTask };

export interface PointPool {
  /** Workers the pool runs at once. */
  readonly size: number;
  /** Runs one point; an aborted `signal` rejects with an AbortError (the pool is then closed). */
  run(task: PointTask, signal: AbortSignal): Promise<PointOutcome>;
  /** Stops every worker. */
  close(): void;
  /** True once closed: a new sweep needs a new pool. */
  readonly closed: boolean;
}

/**
 * Keeps one pool between sweeps, so their workers (and the modules they compiled) serve the next sweep too;
 * a closed pool (an interrupted sweep) or another size makes a new one.
 */
export function reusedPool(make: (size: number) => PointPool): (size: number) => PointPool {
  let pool: PointPool | undefined;
  return (size) => {
    if (!pool || pool.closed || pool.size !== size) {
      pool?.close();
      pool = make(size);
    }
    return pool;
  };
}

/** What the pool needs of a worker: the page's Worker and Node's worker_threads Worker both fit. */
export interface PointWorker {
  postMessage(task: PointTask): void;
  terminate(): unknown;
  onOutcome(handle: (outcome: PointOutcome) => void, fail: (error: Error) => void): void;
}

/** A pool of `size` workers made by `spawn`, started on first use. */
export function workerPool(spawn: () => PointWorker, size: number): PointPool {
  const idle: PointWorker[] = [];
  const all: PointWorker[] = [];
  const waiting: ((w: PointWorker) => void)[] = [];
  let closed = false;
  const take = (): Promise<PointWorker> => {
    const free = idle.pop();
    if (free) return Promise.resolve(free);
    if (all.length < size) {
      const w = spawn();
      all.push(w);
      return Promise.resolve(w);
    }
    return new Promise((resolve) => waiting.push(resolve));
  };
  const give = (w: PointWorker) => {
    const next = waiting.shift();
    if (next) next(w);
    else idle.push(w);
  };
  const close = () => {
    closed = true;
    for (const w of all) w.terminate();
    all.length = 0;
    idle.length = 0;
  };
  return {
    size,
    close,
    get closed() {
      return closed;
    },
    async run(task, signal) {
      if (closed) throw new Error("the sweep's workers were stopped");
      const w = await take();
      return new Promise<PointOutcome>((resolve, reject) => {
        const stop = () => {
          close();
          reject(new DOMException("sweep interrupted", "AbortError"));
        };
        if (signal.aborted) return stop();
        signal.addEventListener("abort", stop, { once: true });
        w.onOutcome(
          (outcome) => {
            signal.removeEventListener("abort", stop);
            give(w);
            resolve(outcome);
          },
          (error) => {
            signal.removeEventListener("abort", stop);
            reject(error);
          },
        );
        w.postMessage(task);
      });
    },
  };
}

/** The first message a page point worker gets: the compiled module to instantiate. */
export interface PointWorkerInit {
  module: WebAssembly.Module;
}

/** A page module worker as a pool worker; it gets `module` before any point. */
export function webPointWorker(worker: Worker, module: Promise<WebAssembly.Module>): PointWorker {
  let fail = (_error: Error) => {};
  const sent = module.then((compiled) => worker.postMessage({ module: compiled } satisfies PointWorkerInit));
  return {
    postMessage: (task) =>
      void sent.then(
        () => worker.postMessage(task),
        (error: Error) => fail(error),
      ),
    terminate: () => worker.terminate(),
    onOutcome(handle, failed) {
      fail = failed;
      worker.onmessage = (event: MessageEvent<PointOutcome>) => handle(event.data);
      worker.onerror = (event: ErrorEvent) => {
        event.preventDefault();
        failed(new Error(`a sweep worker failed: ${event.message}`));
      };
    },
  };
}
