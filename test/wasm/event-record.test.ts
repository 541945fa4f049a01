// Goal: a run's event-queue operations, recorded, replay on a fresh queue exactly as the run did them (every pop
// finds the event the run popped), and a replay that goes otherwise is counted, so the bench's "queue alone"
// times the run's own sequence; recording changes nothing the run computes.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runKernelLoop, type KernelLoopConfig } from "../../src/run/kernel-loop";
import { simulate } from "../../src/run/simulate";
import { loadNvmesim } from "../../src/wasm/node";

const m = await loadNvmesim();
const e = m.exports;

describe("event queue: a run's operations recorded and replayed", () => {
  const PUSH = m.constant("EVENT_OP_PUSH");
  const POP = m.constant("EVENT_OP_POP");

  // Records `ops` (push: a time and data; pop: what the caller says was popped) and replays them on a fresh
  // queue like `like`; the operations that went otherwise.
  const replayOf = (like: number, ops: { op: number; time: number; data: number }[]) => {
    const r = e.eventRecordingCreate(ops.length);
    for (const o of ops) e.eventRecord(r, o.op, BigInt(o.time), o.data);
    expect(e.eventReplayBegin(r, like)).not.toBe(0);
    return e.eventReplay(r, 0, ops.length);
  };

  it("counts each pop that finds another event, or none, and each push that finds the queue full", () => {
    e.simReset();
    const q = e.eventQueueCreate(2);
    const push = (time: number, data: number) => ({ op: PUSH, time, data });
    const pop = (time: number, data: number) => ({ op: POP, time, data });
    expect(replayOf(q, [push(5, 1), push(3, 2), pop(3, 2), pop(5, 1)])).toBe(0);
    expect(replayOf(q, [push(5, 1), push(3, 2), pop(5, 1), pop(3, 2)])).toBe(2); // the order, not the count
    expect(replayOf(q, [push(5, 1), push(5, 2), pop(5, 2), pop(5, 1)])).toBe(2); // one time: the push order
    expect(replayOf(q, [push(5, 1), pop(5, 1), pop(5, 1)])).toBe(1); // nothing left to pop
    expect(replayOf(q, [push(1, 1), push(2, 2), push(3, 3), pop(1, 1)])).toBe(1); // a queue of two is full
    // Before a replay queue is made, nothing can run: every operation counts.
    const r = e.eventRecordingCreate(2);
    e.eventRecord(r, PUSH, 1n, 1);
    e.eventRecord(r, POP, 1n, 1);
    expect(e.eventReplay(r, 0, 2)).toBe(2);
  });

  it("replays what any push and pop sequence recorded on a queue, on a fresh one like it", () => {
    const action = fc.oneof(fc.integer({ min: 0, max: 20_000 }), fc.constant(-1));
    fc.assert(
      fc.property(fc.array(action, { minLength: 1, maxLength: 300 }), (actions) => {
        e.simReset();
        const q = e.eventQueueCreate(512);
        const ops: { op: number; time: number; data: number }[] = [];
        let held = 0;
        for (const [i, t] of actions.entries()) {
          if (t >= 0) {
            e.eventPush(q, BigInt(t), i);
            ops.push({ op: PUSH, time: t, data: i });
            held++;
          } else if (held > 0) {
            ops.push({ op: POP, time: Number(e.eventTopTimeNs(q)), data: e.eventTopData(q) });
            e.eventPop(q);
            held--;
          }
        }
        expect(replayOf(q, ops)).toBe(0);
      }),
    );
  });

  const kernel: KernelLoopConfig = {
    seed: 5n,
    qDepth: 256,
    iodepth: 32,
    ioBytes: 4096,
    ios: 20000,
    latencyNsMin: 1000,
    latencyNsSpan: 9000,
  };

  it("replays a kernel loop's pushes and pops in the loop's order; recording changes nothing", () => {
    const plain = runKernelLoop(m, kernel);
    expect(e.kernelRecordedOps(0)).toBe(0); // nothing recorded without asking
    const recorded = runKernelLoop(m, { ...kernel, recordEventOps: 100_000 });
    expect(recorded).toEqual(plain);
    // One event per I/O, each pushed once and popped once.
    const ops = e.kernelRecordedOps(0);
    expect(ops).toBe(2 * kernel.ios);
    expect(e.kernelRecordedOps(1)).toBe(ops);
    expect(e.kernelReplay(0, ops)).toBe(0);
    // Without its first push the replay goes otherwise, and says so.
    expect(e.kernelRecordedOps(1)).toBe(ops);
    expect(e.kernelReplay(1, ops)).toBeGreaterThan(0);
  });

  it("replays a full model's operations in the engine's order; pops are the events it dispatched", async () => {
    const config = {
      path: "blk-mq",
      cpus: 4,
      workload: { rw: "randread", bs: 4096, iodepth: 32, numjobs: 4, number_ios: 5000 },
    };
    const plain = await simulate(m, config);
    const recorded = await simulate(m, config, { recordEventOps: 200_000 });
    expect(recorded).toEqual(plain);
    const ops = e.engineRecordedOps(0);
    const pops = Number(e.engineEvents());
    // Every event dispatched was pushed first; what is still queued at the end was pushed and not popped.
    expect(ops).toBeGreaterThanOrEqual(2 * pops);
    expect(ops - 2 * pops).toBeLessThanOrEqual(4 * 32 + 16);
    expect(e.engineRecordedOps(1)).toBe(ops);
    expect(e.engineReplay(0, ops)).toBe(0);
    // Batches replay as one run does.
    expect(e.engineRecordedOps(1)).toBe(ops);
    let wrong = 0;
    for (let at = 0; at < ops; at += 997) wrong += e.engineReplay(at, at + 997);
    expect(wrong).toBe(0);
    // Starting halfway, on a fresh queue, pops find other events or none.
    expect(e.engineRecordedOps(1)).toBe(ops);
    expect(e.engineReplay(ops >> 1, ops)).toBeGreaterThan(0);
  });

  it("keeps a run's first operations when the recording fills, and those replay faithfully", async () => {
    await simulate(
      m,
      { path: "rw_page", workload: { rw: "randread", bs: 4096, number_ios: 3000 } },
      { recordEventOps: 1000 },
    );
    expect(e.engineRecordedOps(1)).toBe(1000);
    expect(e.engineReplay(0, 1000)).toBe(0);
    // A run without a recording has nothing to replay.
    await simulate(m, { path: "rw_page", workload: { rw: "randread", bs: 4096, number_ios: 3000 } });
    expect(e.engineRecordedOps(1)).toBe(0);
    expect(e.engineReplay(0, 10)).toBe(10);
  });
});
