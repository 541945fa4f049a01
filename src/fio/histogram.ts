// fio's latency histogram read as fio reads it (stat.c): bucket values
// (plat_idx_to_val) and percentiles (calc_clat_percentiles) with fio's
// default percentile list and its key spelling.
/** fio's default percentile list (--percentile_list). */
export const FIO_PERCENTILES = [1, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 99, 99.5, 99.9, 99.95, 99.99];
const PLAT_BITS = 6;
const PLAT_VAL = 1 << PLAT_BITS;
/** fio's FIO_IO_U_PLAT_NR: 29 groups of 64 buckets. */
export const PLAT_NR = 29 * PLAT_VAL;

/** fio's plat_val_to_idx: the bucket of a latency (ns). */
export function bucketIndex(value: number): number {
  if (value < 1) return 0;
  const msb = Math.floor(value).toString(2).length - 1;
  if (msb <= PLAT_BITS) return Math.floor(value);
  const errorBits = msb - PLAT_BITS;
  const index = ((errorBits + 1) << PLAT_BITS) + ((PLAT_VAL - 1) & Math.floor(value / 2 ** errorBits));
  return Math.min(index, PLAT_NR - 1);
}

/** fio's plat_idx_to_val: the middle of a bucket. */
export function bucketValue(index: number): number {
  if (index < PLAT_VAL << 1) return index;
  const errorBits = (index >> PLAT_BITS) - 1;
  const base = 2 ** (errorBits + PLAT_BITS);
  const k = index % PLAT_VAL;
  return Math.floor(base + (k + 0.5) * 2 ** errorBits);
}

/** Percentiles as fio computes them from its histogram, keyed like fio ("99.900000"). */
export function fioPercentiles(buckets: readonly number[], list = FIO_PERCENTILES): Record<string, number> {
  const total = buckets.reduce((s, n) => s + n, 0);
  const out: Record<string, number> = {};
  if (total === 0) return out;
  let j = 0;
  let sum = 0;
  for (let i = 0; i < buckets.length && j < list.length; i++) {
    sum += buckets[i];
    while (j < list.length && sum >= (list[j] / 100) * total) {
      out[list[j].toFixed(6)] = bucketValue(i);
      j++;
    }
  }
  return out;
}
