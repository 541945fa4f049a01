// Goal: every allocation comes back zeroed, whether its memory was handed out before (and dirtied), lies
// beyond everything handed out so far, or needed the memory to grow (the arena zeroes only memory it handed
// out before: what memory.grow gave is zero already).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadNvmesim } from "../../src/wasm/node";

describe("arena", () => {
  it("hands out zeroed memory across resets, over dirtied and fresh memory and across grows", async () => {
    const m = await loadNvmesim();
    const e = m.exports;
    const block = fc.record({ bytes: fc.integer({ min: 1, max: 3 << 20 }), align: fc.constantFrom(1, 8, 64, 4096) });
    fc.assert(
      fc.property(
        fc.array(fc.array(block, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 4 }),
        (rounds) => {
          for (const round of rounds) {
            e.simReset();
            for (const { bytes, align } of round) {
              const ptr = e.arenaAlloc(bytes, align);
              expect(ptr % align).toBe(0);
              const mem = new Uint8Array(e.memory.buffer, ptr, bytes);
              expect(mem.every((b) => b === 0)).toBe(true);
              mem.fill(0xa5); // dirty it for the next round
            }
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});
