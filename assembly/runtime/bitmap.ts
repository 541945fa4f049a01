// A bit per item in linear memory, in u32 words: a small index in front of a
// large per-page array, so that a page nobody wrote costs a bit, not a cache
// miss in the array.

/** Bytes a bitmap of `n` bits takes. */
export function bitmapBytes(n: u64): usize {
  return <usize>((n + 31) >> 5) << 2;
}

@inline export function bitmapSet(map: usize, i: u64): void {
  let word = map + ((<usize>(i >> 5)) << 2);
  store<u32>(word, load<u32>(word) | ((<u32>1) << (<u32>i & 31)));
}

@inline export function bitmapTest(map: usize, i: u64): bool {
  return ((load<u32>(map + ((<usize>(i >> 5)) << 2)) >> (<u32>i & 31)) & 1) != 0;
}

/** The first clear bit at or after `from` among `n`, wrapping to the start (n when all are set). */
export function bitmapNextClear(map: usize, from: u64, n: u64): u64 {
  let words = (n + 31) >> 5;
  let i = from;
  for (let pass = 0; pass < 2; pass++) {
    while (i < n) {
      let w = load<u32>(map + ((<usize>(i >> 5)) << 2)) | ((<u32>1 << (<u32>i & 31)) - 1); // bits below i: taken
      if (w != 0xffff_ffff) {
        let at = ((i >> 5) << 5) + <u64>ctz<u32>(~w);
        if (at < n) return at;
      }
      i = ((i >> 5) + 1) << 5;
    }
    i = 0;
  }
  return n;
}
