// Goal: CQEs and status words are byte-exact per the spec vectors and round-trip on random fields.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeCqe, encodeCqe, type CqeRequest } from "../../src/wasm/cqe";
import { loadNvmesim } from "../../src/wasm/node";
import { statusWord } from "../reference/status";
import vectors from "../vectors/cqe.json";
import { hexOf, parseRequestNumbers } from "./vector-values";

const m = await loadNvmesim();

describe("CQE vectors", () => {
  for (const v of vectors.vectors) {
    it(v.name, () => {
      const bytes = encodeCqe(m, parseRequestNumbers(v.request) as unknown as CqeRequest);
      expect(hexOf(bytes)).toBe(v.hex);
      const d = decodeCqe(m, Uint8Array.from(Buffer.from(v.hex, "hex")));
      const { word, ...fields } = v.status as Record<string, unknown>;
      if (word !== undefined) expect(d.statusWord).toBe(word);
      expect(d.status).toMatchObject(fields);
    });
  }
});

describe("CQE properties", () => {
  it("decode(encode(x)) == x and the status word matches the reference layout", () => {
    const request = fc.record({
      dw0: fc.integer({ min: 0, max: 0xffffffff }),
      dw1: fc.integer({ min: 0, max: 0xffffffff }),
      sqhd: fc.integer({ min: 0, max: 0xffff }),
      sqid: fc.integer({ min: 0, max: 0xffff }),
      cid: fc.integer({ min: 0, max: 0xffff }),
      phase: fc.integer({ min: 0, max: 1 }),
      sct: fc.integer({ min: 0, max: 7 }),
      sc: fc.integer({ min: 0, max: 0xff }),
      crd: fc.integer({ min: 0, max: 3 }),
      more: fc.boolean(),
      dnr: fc.boolean(),
    });
    fc.assert(
      fc.property(request, (r) => {
        const d = decodeCqe(m, encodeCqe(m, r));
        expect([d.dw0, d.dw1, d.sqhd, d.sqid, d.cid]).toEqual([r.dw0, r.dw1, r.sqhd, r.sqid, r.cid]);
        expect(d.status).toMatchObject({ phase: r.phase, sct: r.sct, sc: r.sc, crd: r.crd, more: r.more, dnr: r.dnr });
        expect(d.statusWord).toBe(statusWord({ sct: r.sct, sc: r.sc, dnr: r.dnr }, r.crd, r.more) | r.phase);
      }),
    );
  });

  it("decoding random bytes never throws and always names the status", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        expect(decodeCqe(m, bytes).status.name.length).toBeGreaterThan(0);
      }),
    );
  });
});
