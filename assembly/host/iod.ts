// I/O descriptor: what the host keeps per command between submission and
// completion, as `struct nvme_iod` in drivers/nvme/host/pci.c: the data
// pointer it built and the list pages it must give back to the pool.
//
//  +------------+------------+---------+---------+---------+-----+----------------+
//  | dptr0 u64  | dptr1 u64  | nrLists | errIdx  | listCap | pad | lists[listCap] |
//  +------------+------------+---------+---------+---------+-----+----------------+
//  0            8            16        20        24        28    32  (u32 each)
//  PRP: dptr0 = PRP1, dptr1 = PRP2. SGL: dptr0/dptr1 = the 16-byte descriptor 1.

import { arenaAlloc } from "../runtime/arena";
import { PagePool, pagePoolAlloc, pagePoolFree } from "./page-pool";

@unmanaged
export class Iod {
  dptr0: u64;
  dptr1: u64;
  nrLists: u32;
  errorIndex: u32; // which segment a build error is about
  listCap: u32;
  pad: u32;
}

export const IOD_HEADER_BYTES: u32 = 32;

// Outcomes of building a data pointer (PRP or SGL) into an iod.
export const DPTR_OK: i32 = 0;
export const DPTR_ERR_NO_SEGMENTS: i32 = 1;
export const DPTR_ERR_SEG_EMPTY: i32 = 2;
export const DPTR_ERR_PRP1_ALIGN: i32 = 3; // first address not dword aligned
export const DPTR_ERR_SEG_START: i32 = 4; // a later segment starts inside a page
export const DPTR_ERR_SEG_END: i32 = 5; // a middle segment ends inside a page
export const DPTR_ERR_TOO_LONG: i32 = 6; // beyond the maximum transfer
export const DPTR_ERR_SEG_WRAP: i32 = 7; // address + length passes 2^64
export const DPTR_ERR_POOL_EMPTY: i32 = 8;
export const DPTR_ERR_LIST_CAP: i32 = 9; // the iod cannot record more list pages
if (offsetof<Iod>() != 32) ERROR("Iod header must be 32 bytes");

/** Bytes of an iod able to hold `listCap` list pages, rounded up to keep iods in an array 8-aligned. */
export function iodSizeBytes(listCap: u32): usize {
  return (<usize>IOD_HEADER_BYTES + ((<usize>listCap) << 2) + 7) & ~(<usize>7);
}

/**
 * Whether iods laid out `stride` bytes apart can hold list pages: with the header alone (no command of the run
 * needs a list) they hold none, and a completion has nothing to give back.
 */
@inline export function iodStrideHoldsLists(stride: usize): bool {
  return stride > <usize>IOD_HEADER_BYTES;
}

/** An iod able to hold `listCap` list pages; 0 when memory is exhausted. */
export function iodCreate(listCap: u32): usize {
  let iod = arenaAlloc(iodSizeBytes(listCap), 8);
  if (iod != 0) changetype<Iod>(iod).listCap = listCap;
  return iod;
}

export function iodList(iod: usize, index: u32): u32 {
  return load<u32>(iod + IOD_HEADER_BYTES + ((<usize>index) << 2));
}

/** Records a list page; false when the iod has no room left. */
export function iodPushList(iod: usize, page: u32): bool {
  let d = changetype<Iod>(iod);
  if (d.nrLists == d.listCap) return false;
  store<u32>(iod + IOD_HEADER_BYTES + ((<usize>d.nrLists) << 2), page);
  d.nrLists++;
  return true;
}

/** Gives the iod's list pages back to the pool, last first, so a new pool's order is kept. */
export function iodFreeLists(iod: Iod, pool: PagePool): void {
  let iodPtr = changetype<usize>(iod);
  for (let i = iod.nrLists; i > 0; i--) pagePoolFree(pool, iodList(iodPtr, i - 1));
  iod.nrLists = 0;
}

/** Takes a list page from the pool and records it; the page index, or minus a DPTR_ERR_* code. */
export function iodTakeListPage(iod: Iod, pool: PagePool): i32 {
  let page = pagePoolAlloc(pool);
  if (page < 0) return -DPTR_ERR_POOL_EMPTY;
  if (!iodPushList(changetype<usize>(iod), page)) {
    pagePoolFree(pool, page);
    return -DPTR_ERR_LIST_CAP;
  }
  return page;
}
