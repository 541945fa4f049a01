// Goal: SGL building and walking agree with the reference model and the spec's layout,
// and the walker answers any descriptors with a status, never a trap or an endless loop.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildSgls, walkSgl, type SglDescriptor, type SglPage } from "../../src/wasm/data-pointer";
import { loadNvmesim } from "../../src/wasm/node";
import {
  refBuildSgls,
  refSglBytes,
  refWalkSgl,
  SGL_LAST_SEGMENT,
  SGL_SEGMENT,
  type RefSglDesc,
} from "../reference/sgl";

const m = await loadNvmesim();
const PAGE = 4096;
const BASE = 0x10000000n;
const MAX = 1n << 32n;

const toDesc = (d: RefSglDesc): SglDescriptor => ({
  addr: BigInt(d.addr),
  length: d.length,
  type: d.type,
  subtype: d.subtype,
});

describe("SGL layout", () => {
  it("one segment is a Data Block in descriptor 1, type in the high nibble of byte 15", () => {
    const b = buildSgls(m, [{ addr: 0x123456789an, len: 1000 }], PAGE, MAX, BASE);
    expect(b.desc1).toEqual({ addr: 0x123456789an, length: 1000, type: 0, subtype: 0 });
    expect(b.pages).toEqual([]);
    expect(Buffer.from(refSglBytes({ addr: 0x123456789a, length: 1000, type: 0, subtype: 0 })).toString("hex")).toBe(
      "9a78563412000000e803000000000000",
    );
  });

  it("three segments: a Last Segment descriptor of 48 bytes pointing at the list", () => {
    const segs = [0x1000n, 0x5000n, 0x9000n].map((addr) => ({ addr, len: 512 }));
    const b = buildSgls(m, segs, PAGE, MAX, BASE);
    expect(b.desc1).toEqual({ addr: BASE, length: 48, type: SGL_LAST_SEGMENT, subtype: 0 });
    expect(b.pages[0].descs.map((d) => d.addr)).toEqual([0x1000n, 0x5000n, 0x9000n]);
  });

  it("257 segments chain: 255 data blocks and a Last Segment pointer, then 2 more", () => {
    const segs = Array.from({ length: 257 }, (_, i) => ({ addr: BigInt(i) * 0x1000n, len: 16 }));
    const b = buildSgls(m, segs, PAGE, MAX, BASE);
    expect(b.desc1).toMatchObject({ addr: BASE, length: PAGE, type: SGL_SEGMENT });
    expect(b.pages.map((p) => p.descs.length)).toEqual([256, 2]);
    expect(b.pages[0].descs[255]).toEqual({ addr: BASE + 4096n, length: 32, type: SGL_LAST_SEGMENT, subtype: 0 });
  });
});

const segment = fc.record({ addr: fc.integer({ min: 0, max: 2 ** 48 }), len: fc.integer({ min: 1, max: 1 << 20 }) });
// Short lists, and long ones that chain past the 256 descriptors of a 4 KiB segment page.
const segments = fc.oneof(
  fc.array(segment, { minLength: 1, maxLength: 20 }),
  fc.array(segment, { minLength: 250, maxLength: 700, size: "max" }),
);

describe("SGL properties against the reference model", () => {
  it("build matches the reference, and walk(build(x)) gives back the segments", () => {
    fc.assert(
      fc.property(segments, (segs) => {
        const ref = refBuildSgls(segs, PAGE, 2 ** 32 * 256, Number(BASE));
        if (!ref.ok) throw new Error(ref.error);
        const b = buildSgls(
          m,
          segs.map((s) => ({ addr: BigInt(s.addr), len: s.len })),
          PAGE,
          MAX << 8n,
          BASE,
        );
        expect(b.desc1).toEqual(toDesc(ref.desc1));
        expect(b.pages).toEqual(ref.pages.map((p) => ({ addr: BigInt(p.addr), descs: p.descs.map(toDesc) })));
        const total = segs.reduce((n, s) => n + s.len, 0);
        const w = walkSgl(m, b.desc1, BigInt(total), MAX << 8n, 1024, b.pages, PAGE);
        expect(w.statusWord).toBe(0);
        expect(w.pieces.map((p) => [Number(p.addr), p.len])).toEqual(segs.map((s) => [s.addr, s.len]));
      }),
      { numRuns: 200 },
    );
  });
});

describe("SGL walker fuzz", () => {
  it("random descriptors get the reference model's answer, never a trap", () => {
    const pageAddr = fc.integer({ min: 0, max: 3 }).map((i) => Number(BASE) + i * PAGE);
    const desc = fc.record({
      addr: fc.oneof(fc.integer({ min: 0, max: 2 ** 40 }), pageAddr),
      length: fc.oneof(fc.integer({ min: 0, max: 8192 }), fc.constantFrom(16, 32, 48, 4096, 4095)),
      type: fc.oneof(fc.constantFrom(0, 0, 1, 2, 3), fc.integer({ min: 0, max: 15 })),
      subtype: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 15 })),
    });
    const pages = fc.array(fc.array(desc, { maxLength: 256 }), { maxLength: 3 });
    fc.assert(
      fc.property(desc, pages, fc.integer({ min: 0, max: 65536 }), (d1, contents, len) => {
        const hostPages: SglPage[] = contents.map((descs, i) => ({
          addr: BASE + BigInt(i * PAGE),
          descs: descs.map(toDesc),
        }));
        const memory = new Map(contents.map((descs, i) => [Number(BASE) + i * PAGE, descs]));
        const zero: RefSglDesc = { addr: 0, length: 0, type: 0, subtype: 0 };
        const read = (addr: number, count: number): RefSglDesc[] | undefined => {
          const pageStart = addr - (addr % PAGE);
          const page = memory.get(pageStart);
          if (!page || (addr % PAGE) + count * 16 > PAGE) return undefined;
          const first = (addr % PAGE) / 16;
          if (!Number.isInteger(first)) return undefined;
          return Array.from({ length: count }, (_, k) => page[first + k] ?? zero);
        };
        const ref = refWalkSgl(d1, len, 65536, 64, read);
        const w = walkSgl(m, toDesc(d1), BigInt(len), 65536n, 64, hostPages, PAGE);
        expect({ sct: w.status.sct, sc: w.status.sc, dnr: w.status.dnr }).toEqual(ref.status);
        if (w.statusWord === 0)
          expect(w.pieces.map((p) => [Number(p.addr), p.len, p.bitBucket])).toEqual(
            ref.pieces.map((p) => [p.addr, p.len, p.bitBucket]),
          );
      }),
      { numRuns: 1000 },
    );
  });
});
