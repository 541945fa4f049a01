// Seeded PRNG: xoshiro128** (Blackman and Vigna) on 32-bit words, seeded by
// splitmix64 so a 64-bit run seed and a stream number give independent child
// streams. Only 32-bit arithmetic per draw, so a TypeScript twin is exact.
//
//  Prng: s0 s1 s2 s3 (u32 each)

import { arenaAlloc } from "./arena";

@unmanaged
export class Prng {
  s0: u32;
  s1: u32;
  s2: u32;
  s3: u32;
}

function splitmix64(x: u64): u64 {
  let z = x + 0x9e3779b97f4a7c15;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  return z ^ (z >> 31);
}

/** Seeds `p` for child stream `stream` of run seed `seed`. */
export function prngSeed(p: Prng, seed: u64, stream: u32): void {
  let a = splitmix64(seed ^ (<u64>stream * 0xd1342543de82ef95));
  let b = splitmix64(a);
  p.s0 = <u32>a;
  p.s1 = <u32>(a >> 32);
  p.s2 = <u32>b;
  p.s3 = <u32>(b >> 32);
  if ((p.s0 | p.s1 | p.s2 | p.s3) == 0) p.s0 = 1; // the all-zero state is a fixed point
}

export function prngCreate(seed: u64, stream: u32): usize {
  let p = arenaAlloc(offsetof<Prng>(), 4);
  if (p != 0) prngSeed(changetype<Prng>(p), seed, stream);
  return p;
}

/** The next 32 random bits. */
export function prngNext(p: Prng): u32 {
  // The state in locals, each word stored once: V8 reloads a field stored a step before, and the reloads would
  // sit on the chain each draw waits for.
  let s0 = p.s0;
  let s1 = p.s1;
  let s2 = p.s2 ^ s0;
  let s3 = p.s3 ^ s1;
  let result = rotl<u32>(s1 * 5, 7) * 9;
  let t = s1 << 9;
  s1 ^= s2;
  s0 ^= s3;
  p.s0 = s0;
  p.s1 = s1;
  p.s2 = s2 ^ t;
  p.s3 = rotl<u32>(s3, 11);
  return result;
}
