// Media timing: per-operation latency distributions, dies that serve one
// command at a time (channels x dies), and a link with a bandwidth ceiling.
// Times are integer ns; the randomness comes from the device's own stream.

import { Prng, prngNext } from "../sim/prng";

export const LAT_CONSTANT: u32 = 0; // a
export const LAT_UNIFORM: u32 = 1; // uniform in [a, b]
export const LAT_EXPONENTIAL: u32 = 2; // a + exponential with mean b
export const LAT_LOGNORMAL: u32 = 3; // median a, sigma b / 1000

/** One latency draw, ns. */
export function mediaLatencyNs(rng: Prng, kind: u32, a: u32, b: u32): u64 {
  if (kind == LAT_UNIFORM) {
    let span = b > a ? b - a + 1 : 1;
    return <u64>a + <u64>(prngNext(rng) % span);
  }
  if (kind == LAT_EXPONENTIAL) {
    let u = (<f64>(prngNext(rng) >>> 8) + 0.5) / 16777216.0; // (0, 1), never 0
    return <u64>a + <u64>(-Math.log(u) * <f64>b);
  }
  if (kind == LAT_LOGNORMAL) {
    // Box-Muller from two draws; the median is a.
    let u1 = (<f64>(prngNext(rng) >>> 8) + 0.5) / 16777216.0;
    let u2 = <f64>(prngNext(rng) >>> 8) / 16777216.0;
    let z = Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    let v = <f64>a * Math.exp(z * (<f64>b / 1000.0));
    return v < 1e12 ? <u64>v : 1_000_000_000_000;
  }
  return <u64>a;
}
