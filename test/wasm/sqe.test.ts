// Goal: SQEs are byte-exact per the spec vectors, and encode/decode agree on random fields.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadNvmesim } from "../../src/wasm/node";
import { decodeSqe, encodeSqe, SQE_COMMANDS, type SqeRequest } from "../../src/wasm/sqe";
import { refSqeBytes, refSqeDwords } from "../reference/sqe";
import vectors from "../vectors/sqe.json";
import { hexOf, num64, parseRequestNumbers } from "./vector-values";

const m = await loadNvmesim();

function fieldMap(bytes: Uint8Array): Record<string, unknown> {
  return Object.fromEntries(decodeSqe(m, bytes).fields.map((f) => [f.name, f.value]));
}

describe("SQE vectors", () => {
  for (const v of vectors.vectors) {
    it(v.name, () => {
      const r = parseRequestNumbers(v.request) as Record<string, unknown>;
      const request = { ...r, lbaCount: r.blocks } as unknown as SqeRequest;
      const bytes = encodeSqe(m, request);
      expect(hexOf(bytes)).toBe(v.hex);
      const decoded = fieldMap(Uint8Array.from(Buffer.from(v.hex, "hex")));
      for (const [name, want] of Object.entries(v.fields)) {
        expect(decoded[name], name).toEqual(typeof want === "string" ? num64(want) : want);
      }
    });
  }
});

describe("SQE with an SGL", () => {
  it("decodes descriptor 1 when PSDT selects SGLs", () => {
    const bytes = new Uint8Array(64);
    const v = new DataView(bytes.buffer);
    v.setUint8(0, 0x02);
    v.setUint8(1, 0x40); // PSDT 01b
    v.setBigUint64(24, 0x10000000n, true);
    v.setUint32(32, 48, true);
    v.setUint8(39, 0x30); // Last Segment, Address
    const d = decodeSqe(m, bytes);
    const f = Object.fromEntries(d.fields.map((x) => [x.name, x]));
    expect(f.psdt).toMatchObject({ value: 1, note: "SGL, MPTR contiguous" });
    expect([f["sgl1.addr"].value, f["sgl1.length"].value, f["sgl1.type"].value]).toEqual([0x10000000n, 48, 3]);
    expect(f["sgl1.type"].note).toBe("Last Segment");
    expect(f.prp1).toBeUndefined();
  });
});

describe("SQE properties", () => {
  const u32 = fc.integer({ min: 0, max: 0xffffffff });
  const request = fc.record({
    command: fc.constantFrom(...SQE_COMMANDS),
    nsid: u32,
    cid: fc.integer({ min: 0, max: 0xffff }),
    slba: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
    lbaCount: fc.integer({ min: 1, max: 65536 }),
    fua: fc.boolean(),
    lr: fc.boolean(),
    deac: fc.boolean(),
    dsm: fc.integer({ min: 0, max: 255 }),
    dspec: fc.integer({ min: 0, max: 0xffff }),
    reftag: u32,
    apptag: fc.integer({ min: 0, max: 0xffff }),
    appmask: fc.integer({ min: 0, max: 0xffff }),
    prp1: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
    prp2: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
    ranges: fc.integer({ min: 1, max: 256 }),
    ad: fc.boolean(),
    idr: fc.boolean(),
    idw: fc.boolean(),
  });

  it("decode(encode(x)) gives back every field the command defines", () => {
    fc.assert(
      fc.property(request, (r) => {
        const f = fieldMap(encodeSqe(m, r));
        expect(f.cid).toBe(r.cid);
        expect(f.nsid).toBe(r.nsid);
        if (r.command === "flush") return;
        expect(f.prp1).toBe(r.prp1);
        if (r.command === "dsm") {
          expect([f.nr, f.ad, f.idr, f.idw]).toEqual([r.ranges - 1, r.ad, r.idr, r.idw]);
          return;
        }
        expect([f.slba, f.nlb, f.fua, f.lr]).toEqual([r.slba, r.lbaCount - 1, r.fua, r.lr]);
        expect([f.reftag, f.apptag, f.appmask]).toEqual([r.reftag, r.apptag, r.appmask]);
        if (r.command === "write-zeroes") expect(f.deac).toBe(r.deac);
        else expect(f.dsm).toBe(r.dsm);
        if (r.command === "write") expect(f.dspec).toBe(r.dspec);
      }),
    );
  });

  it("the Wasm encoder writes the same bytes as the reference model", () => {
    fc.assert(
      fc.property(request, (r) => {
        expect(hexOf(encodeSqe(m, r))).toBe(hexOf(refSqeBytes(refSqeDwords(r))));
      }),
      { numRuns: 500 },
    );
  });

  it("the one-pass Read/Write encoder writes the bytes of clear, header, DPTR and Read/Write fields over any old bytes", () => {
    const e = m.exports;
    const [a, b] = [e.arenaAlloc(64, 64), e.arenaAlloc(64, 64)];
    const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
    fc.assert(
      fc.property(
        fc.record({
          old: fc.uint8Array({ minLength: 64, maxLength: 64 }),
          opc: fc.integer({ min: 0, max: 255 }),
          psdt: fc.integer({ min: 0, max: 3 }),
          cid: fc.integer({ min: 0, max: 0xffff }),
          nsid: u32,
          dptr0: u64,
          dptr1: u64,
          slba: u64,
          cdw12: u32,
          dsm: fc.integer({ min: 0, max: 255 }),
          dspec: fc.integer({ min: 0, max: 0xffff }),
        }),
        (r) => {
          const mem = () => new Uint8Array(e.memory.buffer);
          mem().set(r.old, a);
          mem().set(r.old, b);
          e.nvmeSqeClear(a);
          e.nvmeSqeSetHeader(a, r.opc, 0, r.psdt, r.cid, r.nsid);
          e.nvmeSqeSetDptr(a, r.dptr0, r.dptr1);
          e.nvmeSqeSetRw(a, r.slba, r.cdw12, r.dsm, r.dspec, 0, 0, 0);
          const cdw13 = r.dsm | (r.dspec << 16);
          e.nvmeSqeWriteRw(b, r.opc, r.psdt, r.cid, r.nsid, r.dptr0, r.dptr1, r.slba, r.cdw12 >>> 0, cdw13 >>> 0);
          expect(hexOf(mem().slice(b, b + 64))).toBe(hexOf(mem().slice(a, a + 64)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("decoding random bytes never throws and reports the opcode byte", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), (bytes) => {
        const d = decodeSqe(m, bytes);
        expect(d.opcode).toBe(bytes[0]);
        expect(d.fields.length).toBeGreaterThan(0);
      }),
    );
  });
});
