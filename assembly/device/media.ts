// Media timing: per-operation latency distributions, dies that serve one
// command at a time (channels x dies), and a link with a bandwidth ceiling.
// Distributions are tabulated per run by quantile (LAT_TABLE_SIZE
// equiprobable points), each point when first drawn, so a draw is one lookup:
// fast and exactly repeatable.

import { arenaAlloc } from "../runtime/arena";
import { Prng, prngNext } from "../runtime/prng";

export const LAT_CONSTANT: u32 = 0; // a
export const LAT_UNIFORM: u32 = 1; // uniform in [a, b]
export const LAT_EXPONENTIAL: u32 = 2; // a + exponential with mean b
export const LAT_LOGNORMAL: u32 = 3; // median a, sigma b / 1000

export const LAT_TABLE_BITS: u32 = 16;
export const LAT_TABLE_SIZE: u32 = 1 << LAT_TABLE_BITS;

// Inverse of the standard normal CDF (P. J. Acklam's rational approximation,
// relative error below 1.2e-9), for p in (0, 1).
function normalQuantile(p: f64): f64 {
  const a1 = -3.969683028665376e1,
    a2 = 2.209460984245205e2,
    a3 = -2.759285104469687e2;
  const a4 = 1.38357751867269e2,
    a5 = -3.066479806614716e1,
    a6 = 2.506628277459239;
  const b1 = -5.447609879822406e1,
    b2 = 1.615858368580409e2,
    b3 = -1.556989798598866e2;
  const b4 = 6.680131188771972e1,
    b5 = -1.328068155288572e1;
  const c1 = -7.784894002430293e-3,
    c2 = -3.223964580411365e-1,
    c3 = -2.400758277161838;
  const c4 = -2.549732539343734,
    c5 = 4.374664141464968,
    c6 = 2.938163982698783;
  const d1 = 7.784695709041462e-3,
    d2 = 3.224671290700398e-1,
    d3 = 2.445134137142996,
    d4 = 3.754408661907416;
  const low = 0.02425;
  if (p < low) {
    let q = Math.sqrt(-2.0 * Math.log(p));
    return (((((c1 * q + c2) * q + c3) * q + c4) * q + c5) * q + c6) / ((((d1 * q + d2) * q + d3) * q + d4) * q + 1.0);
  }
  if (p > 1.0 - low) {
    let q = Math.sqrt(-2.0 * Math.log(1.0 - p));
    return -(((((c1 * q + c2) * q + c3) * q + c4) * q + c5) * q + c6) / ((((d1 * q + d2) * q + d3) * q + d4) * q + 1.0);
  }
  let q = p - 0.5;
  let r = q * q;
  return (
    ((((((a1 * r + a2) * r + a3) * r + a4) * r + a5) * r + a6) * q) /
    (((((b1 * r + b2) * r + b3) * r + b4) * r + b5) * r + 1.0)
  );
}

// A table: its distribution (kind, a, b) in a 16-byte head, then LAT_TABLE_SIZE u32 latencies, each LAT_UNSET
// until first drawn (a latency is at most 4e9 ns, so the sentinel is never a value).
const LAT_HEAD: usize = 16;
const LAT_UNSET: u32 = 0xffff_ffff;

/** The latency at quantile (i + 0.5) / LAT_TABLE_SIZE of distribution `kind` with parameters a and b, ns. */
function latencyAt(kind: u32, a: u32, b: u32, i: u32): u32 {
  let p = (<f64>i + 0.5) / <f64>LAT_TABLE_SIZE;
  let v: f64 = <f64>a;
  if (kind == LAT_UNIFORM) v = <f64>a + p * <f64>(b > a ? b - a : 0);
  else if (kind == LAT_EXPONENTIAL) v = <f64>a - Math.log(1.0 - p) * <f64>b;
  else if (kind == LAT_LOGNORMAL) v = <f64>a * Math.exp(normalQuantile(p) * (<f64>b / 1000.0));
  return v < 4.0e9 ? <u32>Math.round(v) : 4_000_000_000;
}

/**
 * A table of LAT_TABLE_SIZE latencies (u32 ns) at equiprobable quantiles, each worked out when first drawn (a
 * short run draws a few thousand of the 65,536; the values are the same whenever they are worked out); 0 when
 * memory runs out.
 */
export function mediaLatencyTable(kind: u32, a: u32, b: u32): usize {
  let table = arenaAlloc(LAT_HEAD + ((<usize>LAT_TABLE_SIZE) << 2), 16);
  if (table == 0) return 0;
  store<u32>(table, kind);
  store<u32>(table, a, 4);
  store<u32>(table, b, 8);
  memory.fill(table + LAT_HEAD, 0xff, (<usize>LAT_TABLE_SIZE) << 2);
  return table;
}

/** One latency draw from a table, ns. */
export function mediaLatencyNs(rng: Prng, table: usize): u64 {
  let i = prngNext(rng) >>> (32 - LAT_TABLE_BITS);
  let at = table + LAT_HEAD + ((<usize>i) << 2);
  let v = load<u32>(at);
  if (v == LAT_UNSET) {
    v = latencyAt(load<u32>(table), load<u32>(table, 4), load<u32>(table, 8), i);
    store<u32>(at, v);
  }
  return <u64>v;
}
