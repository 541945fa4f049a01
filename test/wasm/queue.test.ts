// Goal: SQ/CQ rings, phase tags, command ids and doorbells behave as the spec says, step for
// step with the reference model over random operation sequences and queue depths.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Nvmesim } from "../../src/wasm/module";
import { loadNvmesim } from "../../src/wasm/node";
import { RefQueuePair } from "../reference/queue";

const m = await loadNvmesim();
const e = m.exports;

/** A Wasm queue pair (qid 1) with its controller, driven like a host driver would. */
class WasmQueuePair {
  readonly hq: number;
  readonly ctrl: number;
  readonly cq: number;
  readonly sqDb: bigint;
  readonly cqDb: bigint;

  constructor(
    readonly nv: Nvmesim,
    depth: number,
    dstrd = 0,
  ) {
    nv.exports.simReset();
    this.hq = e.hostQueueCreate(1, depth);
    this.ctrl = e.ctrlCreate(2, dstrd);
    e.ctrlQueueCreate(
      this.ctrl,
      1,
      nv.u32(this.hq + nv.constant("HOSTQ_SQ_CMDS")),
      nv.u32(this.hq + nv.constant("HOSTQ_CQES")),
      depth,
    );
    this.cq = e.ctrlQueue(this.ctrl, 1);
    this.sqDb = e.nvmeSqTailDoorbell(1, dstrd);
    this.cqDb = e.nvmeCqHeadDoorbell(1, dstrd);
  }

  field(base: number, name: Parameters<Nvmesim["constant"]>[0]): number {
    return this.nv.u32(base + this.nv.constant(name));
  }

  state() {
    return {
      sqTail: this.field(this.hq, "HOSTQ_SQ_TAIL"),
      cqHead: this.field(this.hq, "HOSTQ_CQ_HEAD"),
      hostPhase: this.field(this.hq, "HOSTQ_CQ_PHASE"),
      sqHead: this.field(this.cq, "CTRLQ_SQ_HEAD"),
      cqTail: this.field(this.cq, "CTRLQ_CQ_TAIL"),
      ctrlPhase: this.field(this.cq, "CTRLQ_CQ_PHASE"),
      badDoorbells: this.field(this.ctrl, "CTRL_BAD_DOORBELL_WRITES"),
    };
  }
}

const op = fc.oneof(
  fc.record({ kind: fc.constant("submit" as const), n: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant("ringSq" as const), n: fc.constant(0) }),
  fc.record({ kind: fc.constant("fetch" as const), n: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant("post" as const), n: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant("reap" as const), n: fc.constant(0) }),
);

describe("queue pair against the reference model", () => {
  it("indices and phases agree after every step; no cid is reused while outstanding", () => {
    let hostPhaseFlips = 0;
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 2, max: 8 }), fc.integer({ min: 2, max: 70 })),
        fc.array(op, { minLength: 20, maxLength: 200, size: "max" }),
        (depth, ops) => {
          const w = new WasmQueuePair(m, depth);
          const ref = new RefQueuePair(depth);
          const outstanding = new Set<number>();
          const started: number[] = []; // fetched, not yet completed
          for (const { kind, n } of ops) {
            if (kind === "submit") {
              for (let i = 0; i < n; i++) {
                const slot = e.hostSqNextSlot(w.hq);
                expect(slot === 0).toBe(ref.sqFull());
                if (slot === 0) break;
                const cid = e.hostCidAlloc(w.hq);
                // Commands stay outstanding after the controller fetched them: ids run out at depth - 1.
                expect(cid < 0).toBe(outstanding.size === depth - 1);
                if (cid < 0) break;
                expect(outstanding.has(cid)).toBe(false);
                outstanding.add(cid);
                e.nvmeSqeClear(slot);
                e.nvmeSqeSetHeader(slot, m.constant("NVME_OPC_READ"), 0, 0, cid, 1);
                e.hostSqAdvance(w.hq);
                ref.sq.setUint16(ref.sqSlot() + 2, cid, true);
                ref.sqAdvance();
              }
            } else if (kind === "ringSq") {
              expect(e.ctrlDoorbellWrite(w.ctrl, w.sqDb, w.state().sqTail)).toBe(1);
              ref.sqTailDoorbell = ref.sqTail;
            } else if (kind === "fetch") {
              for (let i = 0; i < n; i++) {
                const sqe = e.ctrlSqFetch(w.cq);
                const at = ref.fetch();
                expect(sqe === 0).toBe(at < 0);
                if (sqe === 0) break;
                const cid = m.view().getUint16(sqe + m.constant("NVME_SQE_CID"), true);
                expect(cid).toBe(ref.sq.getUint16(at + 2, true));
                started.push(cid);
              }
            } else if (kind === "post") {
              for (let i = 0; i < n && started.length > 0; i++) {
                const cid = started[0];
                const posted = e.ctrlCqPost(w.cq, cid, 0, 0) === 1;
                expect(posted).toBe(ref.post(cid, 0));
                if (!posted) break;
                started.shift();
              }
            } else {
              for (let cqe = e.hostCqePending(w.hq); cqe !== 0; cqe = e.hostCqePending(w.hq)) {
                const at = ref.pending();
                expect(at).toBeGreaterThanOrEqual(0);
                const cid = m.view().getUint16(cqe + m.constant("NVME_CQE_CID"), true);
                expect(cid).toBe(ref.cq.getUint16(at + 12, true));
                expect(e.hostCidFree(w.hq, cid)).toBe(1);
                outstanding.delete(cid);
                const before = w.state().hostPhase;
                e.hostCqConsume(w.hq);
                ref.consume();
                // The expected phase flips exactly when the head wraps to 0.
                const s = w.state();
                expect(s.hostPhase !== before).toBe(s.cqHead === 0);
                if (s.hostPhase !== before) hostPhaseFlips++;
              }
              expect(ref.pending()).toBe(-1);
              expect(e.ctrlDoorbellWrite(w.ctrl, w.cqDb, w.state().cqHead)).toBe(1);
              ref.cqHeadDoorbell = ref.cqHead;
            }
            const s = w.state();
            expect(s).toEqual({
              sqTail: ref.sqTail,
              cqHead: ref.cqHead,
              hostPhase: ref.hostPhase,
              sqHead: ref.sqHead,
              cqTail: ref.cqTail,
              ctrlPhase: ref.ctrlPhase,
              badDoorbells: 0,
            });
          }
        },
      ),
      { numRuns: 300 },
    );
    // The runs must have wrapped the CQ, or the phase checks above checked nothing.
    expect(hostPhaseFlips).toBeGreaterThan(50);
  });
});

describe("doorbells", () => {
  it("register offsets follow 1000h + (2y [+1]) * (4 << DSTRD), to the largest qid and stride", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 15 }), (qid, dstrd) => {
        const stride = 4n << BigInt(dstrd);
        expect(e.nvmeSqTailDoorbell(qid, dstrd)).toBe(0x1000n + 2n * BigInt(qid) * stride);
        expect(e.nvmeCqHeadDoorbell(qid, dstrd)).toBe(0x1000n + (2n * BigInt(qid) + 1n) * stride);
      }),
    );
    expect([e.nvmeSqTailDoorbell(0, 0), e.nvmeCqHeadDoorbell(0, 0), e.nvmeSqTailDoorbell(1, 0)]).toEqual([
      0x1000n,
      0x1004n,
      0x1008n,
    ]);
  });

  it("ignores and counts writes with a bad value or register, accepting good ones", () => {
    const w = new WasmQueuePair(m, 8, 1);
    const bad = () => w.state().badDoorbells;
    expect(e.ctrlDoorbellWrite(w.ctrl, w.sqDb, 8)).toBe(0); // tail == depth
    expect(bad()).toBe(1);
    expect(e.ctrlDoorbellWrite(w.ctrl, w.sqDb + 4n, 1)).toBe(0); // between registers at DSTRD 1
    expect(e.ctrlDoorbellWrite(w.ctrl, e.nvmeSqTailDoorbell(5, 1), 1)).toBe(0); // no such queue
    expect(e.ctrlDoorbellWrite(w.ctrl, e.nvmeSqTailDoorbell(0, 1), 1)).toBe(0); // admin queue never created
    expect(e.ctrlDoorbellWrite(w.ctrl, 0xffcn, 1)).toBe(0); // below the doorbells
    expect(e.ctrlDoorbellWrite(w.ctrl, w.cqDb, 1)).toBe(0); // head past the controller's tail
    expect(bad()).toBe(6);
    expect(w.state().sqHead).toBe(0);
    expect(e.ctrlDoorbellWrite(w.ctrl, w.sqDb, 7)).toBe(1);
    expect(e.ctrlDoorbellWrite(w.ctrl, w.cqDb, 0)).toBe(1);
    expect(bad()).toBe(6);
  });

  it("a CQ head write may move the head over posted entries only, wherever the ring wraps", () => {
    // Every head, tail and written value on rings of 2 to 9 entries and the deepest, against the ring distances.
    const used = (to: number, from: number, depth: number) => (to - from + depth) % depth;
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 2, max: 9 }), fc.constant(65536)),
        fc.nat(),
        fc.nat(),
        fc.nat(),
        (depth, h, t, v) => {
          const [head, tail, value] = [h % depth, t % depth, v % depth];
          const w = new WasmQueuePair(m, depth);
          const at = (name: Parameters<Nvmesim["constant"]>[0]) => w.cq + m.constant(name);
          m.view().setUint32(at("CTRLQ_CQ_HEAD"), head, true);
          m.view().setUint32(at("CTRLQ_CQ_TAIL"), tail, true);
          const ok = used(value, head, depth) <= used(tail, head, depth);
          expect(e.ctrlDoorbellWrite(w.ctrl, w.cqDb, value)).toBe(ok ? 1 : 0);
          expect([w.field(w.cq, "CTRLQ_CQ_HEAD"), w.state().badDoorbells]).toEqual(ok ? [value, 0] : [head, 1]);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("queues are 2..65536 entries deep; the deepest wraps with 16-bit indices", () => {
    e.simReset();
    expect([e.hostQueueCreate(1, 1), e.hostQueueCreate(1, 65537)]).toEqual([0, 0]);
    const w = new WasmQueuePair(m, 65536);
    expect(e.ctrlDoorbellWrite(w.ctrl, w.sqDb, 65535)).toBe(1);
    expect(e.ctrlDoorbellWrite(w.ctrl, w.sqDb, 65536)).toBe(0);
  });

  it("a CQ never overfills: posting stops one short of the host's head", () => {
    const w = new WasmQueuePair(m, 4);
    expect([0, 1, 2].map((cid) => e.ctrlCqPost(w.cq, cid, 0, 0))).toEqual([1, 1, 1]);
    expect(e.ctrlCqPost(w.cq, 3, 0, 0)).toBe(0);
    e.hostCqConsume(w.hq);
    expect(e.ctrlDoorbellWrite(w.ctrl, w.cqDb, 1)).toBe(1);
    expect(e.ctrlCqPost(w.cq, 3, 0, 0)).toBe(1);
    expect(w.state()).toMatchObject({ cqTail: 0, ctrlPhase: 0 });
  });
});
