// PRP walk on the controller side (NVMe Base 2.0 4.1.1), as a controller
// validates, cf. QEMU hw/nvme nvme_map_prp: PRP1 may carry a dword-aligned
// offset; PRP2 is a data page when one more page is needed, else a PRP list
// pointer (qword aligned; it may start inside its page, as Linux's 256-byte
// small pool lists do). Every list entry and chain pointer must be page
// aligned. Host mistakes come back as status codes, never traps.

import { nvmeStatus } from "../nvme/cqe";
import {
  NVME_SCT_GENERIC,
  NVME_SC_DATA_XFER_ERROR,
  NVME_SC_INTERNAL,
  NVME_SC_INVALID_FIELD,
  NVME_SC_PRP_INVALID_OFFSET,
} from "../nvme/status";
import { physmemTranslate } from "../runtime/physmem";
import {
  DMA_ENTRY_BYTES,
  DMA_LIST_HEADER_BYTES,
  dmaEntrySet,
  dmaListCap,
  dmaListClear,
  dmaListSetCount,
} from "./dma-list";

function dmaListFull(): u32 {
  return nvmeStatus(NVME_SCT_GENERIC, NVME_SC_INTERNAL, 0, false, false);
}

function prpOffsetInvalid(): u32 {
  return nvmeStatus(NVME_SCT_GENERIC, NVME_SC_PRP_INVALID_OFFSET, 0, false, true);
}

/**
 * Resolves PRP1/PRP2 for a transfer of `lenBytes` into `out` (a DMA list).
 * Returns 0 or a status word (SC/SCT/DNR, phase bit clear).
 */
export function nvmeMapPrp(prp1: u64, prp2: u64, lenBytes: u64, pageShift: u32, maxBytes: u64, out: usize): u32 {
  dmaListClear(out);
  if (lenBytes > maxBytes) return nvmeStatus(NVME_SCT_GENERIC, NVME_SC_INVALID_FIELD, 0, false, true);
  if (lenBytes == 0) return 0;
  let pageBytes: u64 = (<u64>1) << pageShift;
  let pageMask = pageBytes - 1;
  if ((prp1 & 3) != 0) return prpOffsetInvalid();
  // The room check comes first, as for every transfer; one or two pages need no page count for it.
  let cap = dmaListCap(out);
  let first = pageBytes - (prp1 & pageMask);
  let entry = out + DMA_LIST_HEADER_BYTES;
  if (lenBytes <= first) {
    if (cap == 0) return dmaListFull();
    dmaEntrySet(entry, prp1, <u32>lenBytes, 0);
    return dmaListSetCount(out, 1);
  }
  let left = lenBytes - first;
  if (left <= pageBytes) {
    if (cap < 2) return dmaListFull();
    if ((prp2 & pageMask) != 0) return prpOffsetInvalid();
    dmaEntrySet(entry, prp1, <u32>first, 0);
    dmaEntrySet(entry + DMA_ENTRY_BYTES, prp2, <u32>left, 0);
    return dmaListSetCount(out, 2);
  }
  if (1 + ((left + pageMask) >> pageShift) > <u64>cap) return dmaListFull();
  dmaEntrySet(entry, prp1, <u32>first, 0);

  if ((prp2 & 7) != 0) return prpOffsetInvalid();
  let slots = <u32>((pageBytes - (prp2 & pageMask)) >> 3);
  let list = physmemTranslate(prp2, (<u64>slots) << 3);
  if (list == 0) return nvmeStatus(NVME_SCT_GENERIC, NVME_SC_DATA_XFER_ERROR, 0, false, false);
  // Each list page holds data entries up to its last slot, which chains to the next page when more than one
  // page of data is left there; a chain lands on a fresh page of >= 512 slots, so the loop ends.
  let count: u32 = 1;
  while (true) {
    let pagesLeft = (left + pageMask) >> pageShift;
    let run = pagesLeft <= <u64>slots ? <u32>pagesLeft : slots - 1; // data entries on this page
    for (let i: u32 = 0; i < run; i++) {
      let addr = load<u64>(list);
      if ((addr & pageMask) != 0) return prpOffsetInvalid();
      let piece = left < pageBytes ? left : pageBytes;
      entry += DMA_ENTRY_BYTES;
      dmaEntrySet(entry, addr, <u32>piece, 0);
      left -= piece;
      list += 8;
    }
    count += run;
    if (left == 0) return dmaListSetCount(out, count);
    let next = load<u64>(list);
    if ((next & pageMask) != 0) return prpOffsetInvalid();
    slots = <u32>(pageBytes >> 3);
    list = physmemTranslate(next, pageBytes);
    if (list == 0) return nvmeStatus(NVME_SCT_GENERIC, NVME_SC_DATA_XFER_ERROR, 0, false, false);
  }
}
