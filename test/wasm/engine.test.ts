// Goal: the engine's PRNG, event queue and kernel loop are deterministic and agree with the
// reference model: same seed, same numbers, same order, same checksum.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runKernelLoop, type KernelLoopConfig } from "../../src/run/kernel-loop";
import { loadNvmesim } from "../../src/wasm/node";
import { EventHeap, runRefKernel } from "../reference/kernel";
import { RefPrng } from "../reference/prng";

const m = await loadNvmesim();
const e = m.exports;

describe("PRNG", () => {
  it("xoshiro128** streams match the reference for any seed and stream", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.integer({ min: 0, max: 1000 }), (seed, stream) => {
        e.simReset();
        const p = e.prngCreate(seed, stream);
        const ref = new RefPrng(seed, stream);
        for (let i = 0; i < 20; i++) expect(e.prngNext(p) >>> 0).toBe(ref.next());
      }),
    );
  });

  it("child streams of one seed differ", () => {
    e.simReset();
    const a = e.prngCreate(42n, 1);
    const b = e.prngCreate(42n, 2);
    expect(Array.from({ length: 4 }, () => e.prngNext(a))).not.toEqual(Array.from({ length: 4 }, () => e.prngNext(b)));
  });
});

describe("event queue", () => {
  // The default wheel (1024 ns windows) and a tiny one (4 windows of 4 ns), where events land laps ahead, in
  // the past of the wheel, and after gaps longer than a lap.
  it.each([
    { wheel: "default", maxTime: 50, cap: 512, create: () => e.eventQueueCreate(512) },
    { wheel: "default", maxTime: 20_000, cap: 512, create: () => e.eventQueueCreate(512) },
    { wheel: "4 x 4 ns", maxTime: 200, cap: 512, create: () => e.eventQueueCreateWheel(512, 2, 2) },
    { wheel: "4 x 4 ns, 6 events at most", maxTime: 200, cap: 6, create: () => e.eventQueueCreateWheel(6, 2, 2) },
  ])(
    "pops in (time, sequence) order whatever the push order ($wheel wheel, times to $maxTime)",
    ({ maxTime, cap, create }) => {
      const action = fc.oneof(
        fc.integer({ min: 0, max: maxTime }).map((t) => ({ push: t })),
        fc.constant({ push: -1 }),
      );
      fc.assert(
        fc.property(fc.array(action, { minLength: 1, maxLength: 300, size: "max" }), (actions) => {
          e.simReset();
          const q = create();
          const model: { time: number; seq: number }[] = [];
          let seq = 0;
          for (const { push } of actions) {
            if (push >= 0 && model.length === cap) {
              expect(e.eventPush(q, BigInt(push), seq)).toBe(0);
            } else if (push >= 0) {
              expect(e.eventPush(q, BigInt(push), seq)).toBe(1);
              model.push({ time: push, seq: seq++ });
            } else if (model.length > 0) {
              model.sort((a, b) => a.time - b.time || a.seq - b.seq);
              const want = model.shift()!;
              expect([Number(e.eventTopTimeNs(q)), e.eventTopData(q)]).toEqual([want.time, want.seq]);
              e.eventPop(q);
            }
          }
        }),
      );
    },
  );

  // Pushes to the queue and the reference heap together; false when the queue refused.
  const pushBoth = (q: number, ref: EventHeap, t: number, data: number) => {
    ref.push(t, data);
    return e.eventPush(q, BigInt(t), data) === 1;
  };
  // Pops both; what differed, or undefined (expect() on every one of 200,000 events is the test's whole time).
  const popBoth = (q: number, ref: EventHeap) => {
    const got = [Number(e.eventTopTimeNs(q)), e.eventTopData(q)];
    const want = [ref.topTime(), ref.topData()];
    e.eventPop(q);
    ref.pop();
    return got[0] === want[0] && got[1] === want[1] ? undefined : `popped ${got}, the heap ${want}`;
  };

  it("narrows its windows when events crowd and widens them when they thin out, in the same order", () => {
    e.simReset();
    const q = e.eventQueueCreate(4096);
    const ref = new EventHeap(4096);
    const rng = new RefPrng(7n, 1);
    const widths: number[] = [];
    let now = 0;
    let data = 0;
    let wrong: string | undefined;
    // Dense (up to 64 ns ahead, 2000 outstanding), sparse (up to 30 ms: past a whole wheel), dense again.
    for (const [reach, outstanding] of [
      [64, 2000],
      [30_000_000, 300],
      [64, 2000],
    ]) {
      for (let i = 0; i < 60_000 && !wrong; i++) {
        while (ref.size < outstanding && !wrong)
          if (!pushBoth(q, ref, now + (rng.next() % reach), data++)) wrong = "full";
        now = ref.topTime();
        wrong ??= popBoth(q, ref);
      }
      widths.push(Number(e.eventWindowNs(q)));
    }
    expect(wrong).toBeUndefined();
    // The width moved both ways: narrow, wide, narrow.
    const [dense, sparse, denseAgain] = widths;
    expect(dense).toBeLessThan(1024);
    expect(sparse).toBeGreaterThan(dense * 64);
    expect(denseAgain).toBeLessThan(sparse);
  });

  it("widens the windows of a big wheel that events only visit now and then, in the same order", () => {
    e.simReset();
    const q = e.eventQueueCreate(1 << 20); // 2^20 windows of 1024 ns to start with
    const ref = new EventHeap(4);
    const rng = new RefPrng(9n, 1);
    let now = 0;
    let wrong: string | undefined;
    for (let i = 0; i < 20_000 && !wrong; i++) {
      // One event out at a time, up to a second ahead: most windows a turn passes are empty.
      if (!pushBoth(q, ref, now + (rng.next() % 1_000_000_000), i)) wrong = "full";
      now = ref.topTime();
      wrong ??= popBoth(q, ref);
    }
    expect(wrong).toBeUndefined();
    expect(Number(e.eventWindowNs(q))).toBeGreaterThanOrEqual(1 << 20);
  });

  it("refuses a push when full", () => {
    e.simReset();
    const q = e.eventQueueCreate(2);
    expect([e.eventPush(q, 1n, 0), e.eventPush(q, 2n, 0), e.eventPush(q, 3n, 0)]).toEqual([1, 1, 0]);
  });
});

describe("kernel loop", () => {
  const config = fc.record({
    seed: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
    qDepth: fc.integer({ min: 2, max: 300 }),
    iodepthFraction: fc.double({ min: 0, max: 1, noNaN: true }),
    ioBytes: fc.oneof(
      fc.constantFrom(512, 4096, 8192, 12288, 131072, 2101248, 2105344),
      fc.integer({ min: 1, max: 700 }).map((s) => s * 512),
    ),
    ios: fc.integer({ min: 1, max: 3000 }),
    latencyNsMin: fc.integer({ min: 0, max: 100000 }),
    latencyNsSpan: fc.integer({ min: 1, max: 100000 }),
  });

  it("ends with the reference model's checksum, time and count, without errors", () => {
    fc.assert(
      fc.property(config, ({ iodepthFraction, ...rest }) => {
        const c: KernelLoopConfig = { ...rest, iodepth: 1 + Math.floor(iodepthFraction * (rest.qDepth - 2)) };
        const w = runKernelLoop(m, c, 97);
        const r = runRefKernel(c);
        expect(w.errors).toBe(0);
        expect(r.errors).toBe(0);
        expect([w.ios, Number(w.simulatedNs), w.checksum]).toEqual([r.ios, r.simulatedNs, r.checksum]);
      }),
      { numRuns: 60 },
    );
  });

  it("sizes PRP lists for buffers that start mid-page (a size that is not whole pages)", () => {
    // fast-check found both: 6656-byte buffers back to back, the second starts 2560 bytes into a page and
    // touches three pages, so it needs a PRP list; and 7168-byte ones, two of three in flight needing a list at
    // once (the reference model's pool once had a page too few for that).
    const base = { seed: 0n, latencyNsMin: 0, latencyNsSpan: 1 };
    for (const c of [
      { ...base, qDepth: 4, iodepth: 2, ioBytes: 6656, ios: 2 },
      { ...base, qDepth: 5, iodepth: 3, ioBytes: 7168, ios: 3 },
    ] satisfies KernelLoopConfig[]) {
      const w = runKernelLoop(m, c, 97);
      const r = runRefKernel(c);
      expect([w.errors, r.errors]).toEqual([0, 0]);
      expect([w.ios, Number(w.simulatedNs), w.checksum]).toEqual([r.ios, r.simulatedNs, r.checksum]);
    }
  });

  it("same config and seed give the same result; the batch size changes nothing", () => {
    const c: KernelLoopConfig = {
      seed: 9n,
      qDepth: 64,
      iodepth: 16,
      ioBytes: 131072,
      ios: 50000,
      latencyNsMin: 500,
      latencyNsSpan: 3000,
    };
    const a = runKernelLoop(m, c, 1000);
    const b = runKernelLoop(m, c, 7);
    expect(b).toEqual(a);
    expect(runKernelLoop(m, { ...c, seed: 10n })).not.toEqual(a);
    // One CQ doorbell per completion; one SQ doorbell for the first iodepth commands, then one per refill.
    expect(a.doorbellWrites).toBe(c.ios + 1 + (c.ios - c.iodepth));
  });
});
