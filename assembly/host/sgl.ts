// SGL setup on the host side, as Linux nvme_pci_setup_sgls: one segment goes
// into descriptor 1 as a Data Block; more go into segment pages from the pool
// with descriptor 1 pointing at the first. A page whose descriptors do not all
// fit gives its last slot to a Segment (more pages follow) or Last Segment
// descriptor for the next page. NVMe Base 2.0 4.1.2.

import {
  DPTR_ERR_NO_SEGMENTS,
  DPTR_ERR_SEG_EMPTY,
  DPTR_ERR_SEG_WRAP,
  DPTR_ERR_TOO_LONG,
  DPTR_OK,
  Iod,
  iodFreeLists,
  iodTakeListPage,
} from "./iod";
import { PagePool, pagePoolPhys, pagePoolPtr } from "./page-pool";
import { segAddr, segLen } from "./segments";
import {
  NVME_SGL_DESC_BYTES,
  NVME_SGL_SUBTYPE_ADDRESS,
  NVME_SGL_TYPE_DATA_BLOCK,
  NVME_SGL_TYPE_LAST_SEGMENT,
  NVME_SGL_TYPE_SEGMENT,
  nvmeSglDescWrite,
} from "../nvme/sgl";

// Segment descriptor for a page holding `left` descriptors still to write.
function sglSetSegment(desc: usize, pageAddr: u64, left: u32, perPage: u32): void {
  if (left <= perPage) {
    nvmeSglDescWrite(desc, pageAddr, left * NVME_SGL_DESC_BYTES, NVME_SGL_TYPE_LAST_SEGMENT, NVME_SGL_SUBTYPE_ADDRESS);
  } else {
    nvmeSglDescWrite(desc, pageAddr, perPage * NVME_SGL_DESC_BYTES, NVME_SGL_TYPE_SEGMENT, NVME_SGL_SUBTYPE_ADDRESS);
  }
}

/** Builds descriptor 1 (in iod.dptr0/dptr1) and segment pages for the segments; DPTR_OK or a DPTR_ERR_* code. */
export function nvmeSetupSgls(
  iod: Iod,
  segs: usize,
  segCount: u32,
  pageBytes: u32,
  maxBytes: u64,
  pool: PagePool,
): i32 {
  iod.dptr0 = 0;
  iod.dptr1 = 0;
  iod.nrLists = 0;
  if (segCount == 0) return DPTR_ERR_NO_SEGMENTS;
  let totalBytes: u64 = 0;
  for (let i: u32 = 0; i < segCount; i++) {
    iod.errorIndex = i;
    let addr = segAddr(segs, i);
    let len = <u64>segLen(segs, i);
    if (len == 0) return DPTR_ERR_SEG_EMPTY;
    if (addr + len < addr) return DPTR_ERR_SEG_WRAP;
    totalBytes += len;
    if (totalBytes > maxBytes) return DPTR_ERR_TOO_LONG;
  }
  iod.errorIndex = 0;
  let dptr = changetype<usize>(iod); // descriptor 1 is stored in dptr0/dptr1
  if (segCount == 1) {
    nvmeSglDescWrite(dptr, segAddr(segs, 0), segLen(segs, 0), NVME_SGL_TYPE_DATA_BLOCK, NVME_SGL_SUBTYPE_ADDRESS);
    return DPTR_OK;
  }
  let perPage = pageBytes / NVME_SGL_DESC_BYTES;
  let page = iodTakeListPage(iod, pool);
  if (page < 0) return -page;
  sglSetSegment(dptr, pagePoolPhys(pool, page), segCount, perPage);
  let list = pagePoolPtr(pool, page);
  let slot: u32 = 0;
  for (let i: u32 = 0; i < segCount; i++) {
    let left = segCount - i;
    if (slot == perPage - 1 && left >= 2) {
      let next = iodTakeListPage(iod, pool);
      if (next < 0) {
        iodFreeLists(iod, pool);
        return -next;
      }
      sglSetSegment(list + <usize>slot * NVME_SGL_DESC_BYTES, pagePoolPhys(pool, next), left, perPage);
      list = pagePoolPtr(pool, next);
      slot = 0;
    }
    let desc = list + <usize>slot * NVME_SGL_DESC_BYTES;
    nvmeSglDescWrite(desc, segAddr(segs, i), segLen(segs, i), NVME_SGL_TYPE_DATA_BLOCK, NVME_SGL_SUBTYPE_ADDRESS);
    slot++;
  }
  return DPTR_OK;
}
