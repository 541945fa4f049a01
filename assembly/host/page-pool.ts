// Page pool: fixed-size pages of simulated DMA memory for PRP and SGL lists,
// like the kernel's dma_pool. Free pages are kept on a stack so allocation
// and freeing are O(1); a new pool hands out pages in address order.
//
//  PagePool (header)         stack (u32 page indices)       pages
//  +---------------+        +----+----+-----+-----+        +------+------+--
//  | physBase, ptr |  --->  | n-1| n-2| ... |  0  | top    | pg 0 | pg 1 | ..
//  | pageBytes ... |        +----+----+-----+-----+        +------+------+--

import { arenaAlloc } from "../runtime/arena";
import { physmemMap } from "../runtime/physmem";

@unmanaged
export class PagePool {
  physBase: u64;
  base: usize; // linear memory of page 0
  pageBytes: u32;
  pageCount: u32;
  top: u32; // free pages on the stack
  stack: usize;
  allocFailures: u32;
}

/** A pool of `pageCount` pages starting at bus address `physBase`; 0 when memory or the physmem table is exhausted. */
export function pagePoolCreate(physBase: u64, pageBytes: u32, pageCount: u32): usize {
  let pool = changetype<PagePool>(arenaAlloc(offsetof<PagePool>(), 8));
  let base = arenaAlloc(<usize>pageBytes * pageCount, 4096);
  let stack = arenaAlloc(<usize>pageCount * 4, 4);
  if (changetype<usize>(pool) == 0 || base == 0 || stack == 0) return 0;
  if (physmemMap(physBase, base, <u64>pageBytes * pageCount) < 0) return 0;
  pool.physBase = physBase;
  pool.base = base;
  pool.pageBytes = pageBytes;
  pool.pageCount = pageCount;
  pool.stack = stack;
  for (let i: u32 = 0; i < pageCount; i++) store<u32>(stack + ((<usize>i) << 2), pageCount - 1 - i);
  pool.top = pageCount;
  return changetype<usize>(pool);
}

/** Takes a page; returns its index, or -1 when the pool is empty. */
export function pagePoolAlloc(pool: PagePool): i32 {
  if (pool.top == 0) {
    pool.allocFailures++;
    return -1;
  }
  pool.top--;
  return load<i32>(pool.stack + ((<usize>pool.top) << 2));
}

export function pagePoolFree(pool: PagePool, index: u32): void {
  store<u32>(pool.stack + ((<usize>pool.top) << 2), index);
  pool.top++;
}

export function pagePoolPhys(pool: PagePool, index: u32): u64 {
  return pool.physBase + <u64>index * pool.pageBytes;
}

export function pagePoolPtr(pool: PagePool, index: u32): usize {
  return pool.base + <usize>index * pool.pageBytes;
}
