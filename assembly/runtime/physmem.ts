// Simulated physical memory: the bus addresses a host hands to the device,
// mapped onto regions of linear memory. A device DMA through an address that
// no region backs is a transfer error, never a read outside linear memory.

import { arenaAlloc } from "./arena";

export const PHYSMEM_REGIONS_MAX: u32 = 64;

@unmanaged
class Region {
  physBase: u64;
  sizeBytes: u64;
  ptr: usize;
  pad: u32;
}

let regions: usize = 0;
let regionCount: u32 = 0;

/** Forgets every mapping (call after arenaReset). */
export function physmemReset(): void {
  regions = arenaAlloc(<usize>PHYSMEM_REGIONS_MAX * offsetof<Region>(), 8);
  regionCount = 0;
}

/** Backs [physBase, physBase + sizeBytes) with linear memory at `ptr`; -1 when the table is full, overlaps or wraps. */
export function physmemMap(physBase: u64, ptr: usize, sizeBytes: u64): i32 {
  if (regions == 0) physmemReset();
  if (regionCount == PHYSMEM_REGIONS_MAX) return -1;
  if (sizeBytes == 0 || physBase + sizeBytes < physBase) return -1;
  for (let i: u32 = 0; i < regionCount; i++) {
    let r = changetype<Region>(regions + <usize>i * offsetof<Region>());
    if (physBase < r.physBase + r.sizeBytes && r.physBase < physBase + sizeBytes) return -1;
  }
  let r = changetype<Region>(regions + <usize>regionCount * offsetof<Region>());
  r.physBase = physBase;
  r.sizeBytes = sizeBytes;
  r.ptr = ptr;
  regionCount++;
  return <i32>(regionCount - 1);
}

/** Linear-memory pointer for [addr, addr + bytes), or 0 when no single region backs all of it. */
export function physmemTranslate(addr: u64, bytes: u64): usize {
  for (let i: u32 = 0; i < regionCount; i++) {
    let r = changetype<Region>(regions + <usize>i * offsetof<Region>());
    let offset = addr - r.physBase; // wraps huge when addr < physBase
    if (addr >= r.physBase && offset <= r.sizeBytes && bytes <= r.sizeBytes - offset) {
      return r.ptr + <usize>offset;
    }
  }
  return 0;
}
