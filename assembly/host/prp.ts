// PRP setup on the host side, as Linux nvme_setup_prps (drivers/nvme/host/
// pci.c): PRP1 is the first data address (it may carry a dword-aligned
// offset); one more page goes straight into PRP2; more pages go into PRP list
// pages from a pool, and a full list page whose data does not end there gives
// its last slot to a pointer to the next list page (NVMe Base 2.0 4.1.1).

import {
  DPTR_ERR_NO_SEGMENTS,
  DPTR_ERR_PRP1_ALIGN,
  DPTR_ERR_SEG_EMPTY,
  DPTR_ERR_SEG_END,
  DPTR_ERR_SEG_START,
  DPTR_ERR_SEG_WRAP,
  DPTR_ERR_TOO_LONG,
  DPTR_OK,
  Iod,
  iodFreeLists,
  iodTakeListPage,
} from "./iod";
import { PagePool, pagePoolPhys, pagePoolPtr } from "./page-pool";
import { segAddr, segLen } from "./segments";

// Data pages spanned by the segments last checked by prpCheckSegments.
let prpPagesOut: u64 = 0;

// Checks segments against the PRP rules; DPTR_OK or an error with
// iod.errorIndex naming the segment.
function prpCheckSegments(iod: Iod, segs: usize, segCount: u32, pageShift: u32, maxBytes: u64): i32 {
  let pageMask: u64 = ((<u64>1) << pageShift) - 1;
  if (segCount == 0) return DPTR_ERR_NO_SEGMENTS;
  let totalBytes: u64 = 0;
  let pages: u64 = 0;
  for (let i: u32 = 0; i < segCount; i++) {
    iod.errorIndex = i;
    let addr = segAddr(segs, i);
    let len = <u64>segLen(segs, i);
    if (len == 0) return DPTR_ERR_SEG_EMPTY;
    if (addr + len < addr) return DPTR_ERR_SEG_WRAP;
    if (i == 0 && (addr & 3) != 0) return DPTR_ERR_PRP1_ALIGN;
    if (i > 0 && (addr & pageMask) != 0) return DPTR_ERR_SEG_START;
    if (i + 1 < segCount && ((addr + len) & pageMask) != 0) return DPTR_ERR_SEG_END;
    totalBytes += len;
    if (totalBytes > maxBytes) return DPTR_ERR_TOO_LONG;
    pages += ((addr & pageMask) + len + pageMask) >> pageShift;
  }
  iod.errorIndex = 0;
  prpPagesOut = pages;
  return DPTR_OK;
}

/**
 * Builds PRP1/PRP2 (iod.dptr0/dptr1) and list pages from `pool` for the
 * segments. Returns DPTR_OK or a DPTR_ERR_* code; on error nothing stays
 * allocated.
 */
export function nvmeSetupPrps(
  iod: Iod,
  segs: usize,
  segCount: u32,
  pageShift: u32,
  maxBytes: u64,
  pool: PagePool,
): i32 {
  if (segCount == 1) return nvmeSetupPrpsRange(iod, segAddr(segs, 0), <u64>segLen(segs, 0), pageShift, maxBytes, pool);
  iod.dptr0 = 0;
  iod.dptr1 = 0;
  iod.nrLists = 0;
  let err = prpCheckSegments(iod, segs, segCount, pageShift, maxBytes);
  if (err != DPTR_OK) return err;
  let pageBytes: u64 = (<u64>1) << pageShift;
  let entries = prpPagesOut - 1; // pages after the one PRP1 points into
  let addr = segAddr(segs, 0);
  iod.dptr0 = addr;
  if (entries == 0) return DPTR_OK;

  // Cursor over the remaining pages, starting at the page after PRP1's.
  let seg: u32 = 0;
  let segLeft: u64 = <u64>segLen(segs, 0);
  let step = pageBytes - (addr & (pageBytes - 1));
  if (segLeft > step) {
    addr += step;
    segLeft -= step;
  } else {
    seg = 1;
    addr = segAddr(segs, 1);
    segLeft = <u64>segLen(segs, 1);
  }
  if (entries == 1) {
    iod.dptr1 = addr;
    return DPTR_OK;
  }

  let slotsPerPage = <u32>(pageBytes >> 3);
  let page = iodTakeListPage(iod, pool);
  if (page < 0) return prpUnwind(iod, pool, -page);
  iod.dptr1 = pagePoolPhys(pool, page);
  let list = pagePoolPtr(pool, page);
  let slot: u32 = 0;
  let left = entries;
  while (true) {
    // Fill this list page from this segment in one run: up to the page's
    // last slot (kept for a chain unless it takes the final entry).
    let room = <u64>(slotsPerPage - 1 - slot);
    if (left <= room + 1) room = left;
    let segPages = (segLeft + pageBytes - 1) >> pageShift;
    let run = room < segPages ? room : segPages;
    let at = list + ((<usize>slot) << 3);
    for (let i: u64 = 0; i < run; i++) {
      store<u64>(at, addr);
      at += 8;
      addr += pageBytes;
    }
    slot += <u32>run;
    left -= run;
    if (left == 0) break;
    if (run == segPages) {
      seg++;
      addr = segAddr(segs, seg);
      segLeft = <u64>segLen(segs, seg);
    } else {
      segLeft -= run << pageShift;
    }
    if (slot == slotsPerPage - 1 && left >= 2) {
      // Last slot of a full list page chains to the next page.
      let next = iodTakeListPage(iod, pool);
      if (next < 0) return prpUnwind(iod, pool, -next);
      store<u64>(list + ((<usize>slot) << 3), pagePoolPhys(pool, next));
      list = pagePoolPtr(pool, next);
      slot = 0;
    }
  }
  return DPTR_OK;
}

/**
 * nvmeSetupPrps for one segment, `len` bytes at `addr`: the same checks in the same order and the same PRPs and
 * list pages, without the segment walk (a single page, as the kernel loop and a 4 KiB I/O build, costs a few
 * tests).
 */
export function nvmeSetupPrpsRange(iod: Iod, addr: u64, len: u64, pageShift: u32, maxBytes: u64, pool: PagePool): i32 {
  iod.nrLists = 0;
  iod.errorIndex = 0;
  if (len == 0) return prpRefused(iod, DPTR_ERR_SEG_EMPTY);
  if (addr + len < addr) return prpRefused(iod, DPTR_ERR_SEG_WRAP);
  if ((addr & 3) != 0) return prpRefused(iod, DPTR_ERR_PRP1_ALIGN);
  if (len > maxBytes) return prpRefused(iod, DPTR_ERR_TOO_LONG);
  let pageBytes: u64 = (<u64>1) << pageShift;
  let pageMask = pageBytes - 1;
  iod.dptr0 = addr;
  let entries = ((addr & pageMask) + len + pageMask) >> pageShift; // pages touched; those after PRP1's follow
  let next = (addr | pageMask) + 1; // the second page
  if (entries <= 2) {
    iod.dptr1 = entries == 2 ? next : 0;
    return DPTR_OK;
  }
  let lastSlot = <u32>(pageBytes >> 3) - 1;
  let page = iodTakeListPage(iod, pool);
  if (page < 0) return prpUnwind(iod, pool, -page);
  iod.dptr1 = pagePoolPhys(pool, page);
  let at = pagePoolPtr(pool, page);
  let left = entries - 1;
  while (true) {
    // The list page's slots before its last, or all of them when the data ends on this page.
    let run = left <= <u64>lastSlot + 1 ? <u32>left : lastSlot;
    let end = at + ((<usize>run) << 3);
    for (; at < end; at += 8) {
      store<u64>(at, next);
      next += pageBytes;
    }
    left -= run;
    if (left == 0) break;
    // A full list page whose data does not end on it points to the next in its last slot.
    let chained = iodTakeListPage(iod, pool);
    if (chained < 0) return prpUnwind(iod, pool, -chained);
    store<u64>(at, pagePoolPhys(pool, chained));
    at = pagePoolPtr(pool, chained);
  }
  return DPTR_OK;
}

// A range refused before anything was taken: no pointers.
function prpRefused(iod: Iod, err: i32): i32 {
  iod.dptr0 = 0;
  iod.dptr1 = 0;
  return err;
}

function prpUnwind(iod: Iod, pool: PagePool, err: i32): i32 {
  iodFreeLists(iod, pool);
  iod.dptr0 = 0;
  iod.dptr1 = 0;
  return err;
}
