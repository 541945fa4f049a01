// Latency histogram with fio's bucket layout (stat.h: FIO_IO_U_PLAT_BITS 6,
// 29 groups): values below 128 have a bucket each, above that every power of
// two is split into 64 buckets, so any value is kept within 1/64 (1.6%).
// Percentiles are read from the buckets by TypeScript exactly as fio does.
//
//  Histogram: buckets[PLAT_NR] (u64 counts)

export const PLAT_BITS: u32 = 6;
export const PLAT_VAL: u32 = 1 << PLAT_BITS;
export const PLAT_GROUP_NR: u32 = 29;
export const PLAT_NR: u32 = PLAT_GROUP_NR * PLAT_VAL;

/** fio's plat_val_to_idx. */
export function histIndex(value: u64): u32 {
  if (value == 0) return 0;
  let msb = <u32>(63 - clz<u64>(value));
  if (msb <= PLAT_BITS) return <u32>value;
  let errorBits = msb - PLAT_BITS;
  let base = (errorBits + 1) << PLAT_BITS;
  let offset = (PLAT_VAL - 1) & (<u32>(value >> errorBits));
  let index = base + offset;
  return index < PLAT_NR ? index : PLAT_NR - 1;
}

export function histAdd(buckets: usize, value: u64): void {
  let at = buckets + ((<usize>histIndex(value)) << 3);
  store<u64>(at, load<u64>(at) + 1);
}
