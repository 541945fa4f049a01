// DMA list: what a controller resolves a command's data pointer into, the
// (bus address, length) pieces it will move, in transfer order.
//
//  +-------+-----+----------------------------------------------+
//  | count | cap | entries[cap]: addr u64 | len u32 | flags u32  |
//  +-------+-----+----------------------------------------------+
//  0       4     8                                       (16 bytes each)

import { arenaAlloc } from "../runtime/arena";

export const DMA_LIST_HEADER_BYTES: u32 = 8;
export const DMA_ENTRY_BYTES: u32 = 16;
export const DMA_FLAG_BIT_BUCKET: u32 = 1; // SGL bit bucket: data discarded

export function dmaListCreate(cap: u32): usize {
  let list = arenaAlloc(<usize>DMA_LIST_HEADER_BYTES + <usize>cap * DMA_ENTRY_BYTES, 8);
  if (list != 0) store<u32>(list, cap, 4);
  return list;
}

export function dmaListClear(list: usize): void {
  store<u32>(list, 0);
}

export function dmaListCount(list: usize): u32 {
  return load<u32>(list);
}

export function dmaListCap(list: usize): u32 {
  return load<u32>(list, 4);
}

/** Sets the entry count after entries were written in place; returns 0 (a success status) for tail calls. */
export function dmaListSetCount(list: usize, count: u32): u32 {
  store<u32>(list, count);
  return 0;
}

/** Writes one entry in place (no count or capacity check). */
export function dmaEntrySet(entry: usize, addr: u64, len: u32, flags: u32): void {
  store<u64>(entry, addr);
  store<u32>(entry, len, 8);
  store<u32>(entry, flags, 12);
}

/** Appends one piece; false when the list is full. */
export function dmaListPush(list: usize, addr: u64, len: u32, flags: u32): bool {
  let count = load<u32>(list);
  if (count == load<u32>(list, 4)) return false;
  dmaEntrySet(list + DMA_LIST_HEADER_BYTES + <usize>count * DMA_ENTRY_BYTES, addr, len, flags);
  store<u32>(list, count + 1);
  return true;
}
