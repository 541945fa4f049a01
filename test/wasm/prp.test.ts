// Goal: PRP building and walking match the spec vectors and the reference model, and the
// walker answers any input with a status, never a trap.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildPrps, DataPointerError, walkPrps, type ListPage, type Segment } from "../../src/wasm/data-pointer";
import { loadNvmesim } from "../../src/wasm/node";
import { consecutivePages, refBuildPrps, refWalkPrps, type RefListPage, type RefSegment } from "../reference/prp";
import vectors from "../vectors/prp.json";

const m = await loadNvmesim();
const LIST_BASE = 0x10000000n;
const MAX = 8n << 20n;

function seg(text: string): Segment {
  const [addr, len] = text.split(":");
  return { addr: BigInt(addr), len: Number(len) };
}

const hex = (n: bigint) => `0x${n.toString(16)}`;

describe("PRP build vectors", () => {
  for (const v of vectors.build) {
    it(v.name, () => {
      const pageBytes = v.pageSize ?? 4096;
      const maxBytes = v.maxBytes !== undefined ? BigInt(v.maxBytes) : MAX;
      const listBase = v.listBase !== undefined ? BigInt(v.listBase) : LIST_BASE;
      const run = () => buildPrps(m, v.segs.map(seg), pageBytes, maxBytes, listBase);
      if (v.error !== undefined) {
        expect(run).toThrow(DataPointerError);
        try {
          run();
        } catch (err) {
          expect([(err as DataPointerError).code, (err as DataPointerError).segment]).toEqual([v.error, v.segment]);
        }
        return;
      }
      const b = run();
      expect(hex(b.prp1)).toBe(v.prp1);
      expect(hex(b.prp2)).toBe(v.prp2);
      expect(b.listPages.map((p) => ({ addr: hex(p.addr), entries: p.entries.map(hex) }))).toEqual(v.listPages);
    });
  }
});

describe("PRP walk vectors", () => {
  for (const v of vectors.walk) {
    it(v.name, () => {
      const pages: ListPage[] = (v.listPages ?? []).map((p) => ({
        addr: BigInt(p.addr),
        entries: p.entries.map(BigInt),
      }));
      const maxBytes = v.maxBytes !== undefined ? BigInt(v.maxBytes) : MAX;
      const w = walkPrps(m, BigInt(v.prp1), BigInt(v.prp2), BigInt(v.len), 4096, maxBytes, pages);
      expect(w.status).toMatchObject(v.status);
      if (v.pages) expect(w.pieces.map((p) => [hex(p.addr), p.len])).toEqual(v.pages);
    });
  }
});

describe("PRP walk into a DMA list with too little room", () => {
  // The controller's list holds `cap` pieces; a transfer of more answers Internal Error (no DNR), before any
  // PRP2 check, and leaves the list empty.
  const INTERNAL = { sct: 0, sc: 0x06, dnr: false };
  const cases: [string, bigint, bigint, bigint, number][] = [
    ["one page into none", 0x2000n, 0n, 4096n, 0],
    ["two pages into one", 0x2000n, 0x5000n, 8192n, 1],
    ["two pages into one, PRP2 not page aligned", 0x2000n, 0x5008n, 8192n, 1],
    ["a PRP list into fewer pieces than pages", 0x2000n, LIST_BASE, 16384n, 3],
  ];
  for (const [name, prp1, prp2, len, cap] of cases) {
    it(name, () => {
      const e = m.exports;
      e.simReset();
      const out = e.dmaListCreate(cap);
      // The status word: SC in bits 1-8, SCT in 9-11, DNR in 15.
      const status = (word: number) => ({ sct: (word >> 9) & 7, sc: (word >> 1) & 0xff, dnr: (word & 0x8000) !== 0 });
      expect(status(e.nvmeMapPrp(prp1, prp2, len, 12, MAX, out))).toEqual(INTERNAL);
      expect(m.view().getUint32(out, true)).toBe(0);
      // One piece more and the room check passes (what follows answers for itself).
      expect(status(e.nvmeMapPrp(prp1, prp2, len, 12, MAX, e.dmaListCreate(cap + 1)))).not.toEqual(INTERNAL);
    });
  }
});

// Random scatter lists that obey the PRP rules, below 2^52 (x86-64's physical address limit).
const pageShift = fc.constantFrom(12, 12, 12, 13, 16);
const validSegments = pageShift.chain((shift) => {
  const page = 2 ** shift;
  const first = fc.record({
    pageIndex: fc.integer({ min: 0, max: 2 ** (52 - shift) - 4096 }),
    offsetDwords: fc.integer({ min: 0, max: page / 4 - 1 }),
  });
  const middle = fc.record({
    pageIndex: fc.integer({ min: 0, max: 2 ** (52 - shift) - 4096 }),
    pages: fc.integer({ min: 1, max: 40 }),
  });
  const last = fc.record({
    pageIndex: fc.integer({ min: 0, max: 2 ** (52 - shift) - 4096 }),
    len: fc.integer({ min: 1, max: 3 * page }),
  });
  // Page counts around list boundaries (page / 8 entries a list page) turn up often.
  const slots = page / 8;
  const boundaries =
    shift > 13 ? [1, 2, 3] : [1, 2, 3, slots, slots + 1, slots + 2, 2 * slots - 1, 2 * slots, 2 * slots + 1];
  const pageCount = fc.oneof(fc.integer({ min: 1, max: 1100 }), fc.constantFrom(...boundaries));
  const tail = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: page - 1 }));
  const split = fc.record({
    second: fc.integer({ min: 0, max: 2 ** (52 - shift) - 4096 }),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
  });
  const shape = fc.constantFrom("single" as const, "split" as const, "scattered" as const);
  return fc
    .tuple(first, fc.array(middle, { maxLength: 4 }), fc.option(last), pageCount, tail, shape, split)
    .map(([f, mids, end, pages, cut, kind, sp]) => {
      const segs: RefSegment[] = [];
      const offset = f.offsetDwords * 4;
      const firstAddr = f.pageIndex * page + offset;
      if (kind === "split" && pages >= 2) {
        // Two segments whose pages add up to `pages`, split anywhere.
        const k = 1 + Math.floor(sp.at * (pages - 1));
        segs.push({ addr: f.pageIndex * page, len: k * page });
        segs.push({ addr: sp.second * page, len: Math.max(1, (pages - k) * page - cut) });
      } else if (kind !== "scattered" || (mids.length === 0 && !end)) {
        segs.push({ addr: firstAddr, len: Math.max(1, pages * page - offset - cut) });
      } else {
        segs.push({ addr: firstAddr, len: page - offset + (pages % 8) * page });
        for (const mid of mids) segs.push({ addr: mid.pageIndex * page, len: mid.pages * page });
        if (end) segs.push({ addr: end.pageIndex * page, len: end.len });
      }
      return { pageBytes: page, segs };
    });
});

function toSegments(segs: readonly RefSegment[]): Segment[] {
  return segs.map((s) => ({ addr: BigInt(s.addr), len: s.len }));
}

function refPages(pages: readonly RefListPage[]): ListPage[] {
  return pages.map((p) => ({ addr: BigInt(p.addr), entries: p.entries.map(BigInt) }));
}

describe("PRP properties against the reference model", () => {
  it("build gives the reference model's PRP1, PRP2 and list pages", () => {
    fc.assert(
      fc.property(validSegments, ({ pageBytes, segs }) => {
        const ref = refBuildPrps(segs, pageBytes, 2 ** 32, consecutivePages(Number(LIST_BASE), pageBytes));
        if (!ref.ok) throw new Error(`generator made an invalid list: ${ref.error}`);
        const b = buildPrps(m, toSegments(segs), pageBytes, 1n << 32n, LIST_BASE);
        expect(b.prp1).toBe(BigInt(ref.prp1));
        expect(b.prp2).toBe(BigInt(ref.prp2));
        expect(b.listPages).toEqual(refPages(ref.listPages));
      }),
      { numRuns: 300 },
    );
  });

  it("walk(build(x)) gives exactly the data pages of x, every list entry page aligned", () => {
    fc.assert(
      fc.property(validSegments, ({ pageBytes, segs }) => {
        const b = buildPrps(m, toSegments(segs), pageBytes, 1n << 32n, LIST_BASE);
        const total = segs.reduce((n, s) => n + s.len, 0);
        for (const page of b.listPages) for (const e of page.entries) expect(e % BigInt(pageBytes)).toBe(0n);
        const w = walkPrps(m, b.prp1, b.prp2, BigInt(total), pageBytes, 1n << 32n, b.listPages);
        expect(w.statusWord).toBe(0);
        const ref = refBuildPrps(segs, pageBytes, 2 ** 32, consecutivePages(Number(LIST_BASE), pageBytes));
        expect(ref.ok && w.pieces.map((p) => Number(p.addr))).toEqual(ref.ok && ref.pages);
        expect(w.pieces.reduce((n, p) => n + p.len, 0)).toBe(total);
      }),
      { numRuns: 300 },
    );
  });

  it("rejects what the reference model rejects, naming the same segment", () => {
    const anySegs = fc.array(
      fc.record({ addr: fc.integer({ min: 0, max: 2 ** 40 }), len: fc.integer({ min: 0, max: 3 * 4096 }) }),
      { minLength: 1, maxLength: 5 },
    );
    fc.assert(
      fc.property(anySegs, fc.integer({ min: 1, max: 40000 }), (segs, maxBytes) => {
        const ref = refBuildPrps(segs, 4096, maxBytes, consecutivePages(Number(LIST_BASE), 4096));
        let got: { ok: boolean; error?: string; segment?: number; prp1?: bigint };
        try {
          got = { ok: true, prp1: buildPrps(m, toSegments(segs), 4096, BigInt(maxBytes), LIST_BASE).prp1 };
        } catch (err) {
          if (!(err instanceof DataPointerError)) throw err;
          got = { ok: false, error: err.code, segment: err.segment };
        }
        if (ref.ok) expect(got).toEqual({ ok: true, prp1: BigInt(ref.prp1) });
        else expect(got).toEqual({ ok: false, error: ref.error, segment: ref.segment });
      }),
      { numRuns: 500 },
    );
  });
});

describe("PRP walker fuzz", () => {
  it("answers random PRPs and list contents like the reference model, never trapping", () => {
    const page = 4096;
    const addr = fc.oneof(
      fc.integer({ min: 0, max: 2 ** 52 }),
      fc.integer({ min: 0, max: 64 }).map((i) => 0x10000000 + i * 8),
      fc.integer({ min: 0, max: 4 }).map((i) => 0x10000000 + i * page),
    );
    const listPages = fc.array(fc.array(addr, { maxLength: 512 }), { maxLength: 3 });
    fc.assert(
      fc.property(addr, addr, fc.integer({ min: 0, max: 3 * 1024 * 1024 }), listPages, (prp1, prp2, len, contents) => {
        const pages: RefListPage[] = contents.map((entries, i) => ({ addr: 0x10000000 + i * page, entries }));
        const memory = new Map(
          pages.map((p) => [p.addr, [...p.entries, ...new Array(512 - p.entries.length).fill(0)]]),
        );
        const ref = refWalkPrps(prp1, prp2, len, page, 2 * 1024 * 1024, (a) => memory.get(a));
        const w = walkPrps(m, BigInt(prp1), BigInt(prp2), BigInt(len), page, 2n << 20n, refPages(pages));
        expect({ sct: w.status.sct, sc: w.status.sc, dnr: w.status.dnr }).toEqual(ref.status);
        if (w.statusWord === 0)
          expect(w.pieces.map((p) => [Number(p.addr), p.len])).toEqual(ref.pieces.map((p) => [p.addr, p.len]));
      }),
      { numRuns: 1000 },
    );
  });

  it("full 64-bit random inputs give a status or pages, never a trap", () => {
    const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
    fc.assert(
      fc.property(u64, u64, fc.bigInt({ min: 0n, max: 1n << 40n }), (prp1, prp2, len) => {
        const w = walkPrps(m, prp1, prp2, len, 4096, MAX, []);
        expect(w.statusWord === 0 ? w.pieces.reduce((n, p) => n + BigInt(p.len), 0n) : len).toBe(len);
      }),
      { numRuns: 1000 },
    );
  });
});
