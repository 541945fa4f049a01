// SGL walk on the controller side (NVMe Base 2.0 4.1.2): descriptor 1 is a
// Data Block, a Bit Bucket, or a (Last) Segment pointing at a list of
// descriptors; a Segment list ends in a pointer to the next list, a Last
// Segment list holds no pointers. The described data must equal the transfer.

import { nvmeStatus } from "../nvme/cqe";
import {
  NVME_SGL_DESC_BYTES,
  NVME_SGL_SUBTYPE_ADDRESS,
  NVME_SGL_TYPE_BIT_BUCKET,
  NVME_SGL_TYPE_DATA_BLOCK,
  NVME_SGL_TYPE_LAST_SEGMENT,
  NVME_SGL_TYPE_SEGMENT,
  SglDesc,
} from "../nvme/sgl";
import {
  NVME_SCT_GENERIC,
  NVME_SC_DATA_XFER_ERROR,
  NVME_SC_INVALID_FIELD,
  NVME_SC_SGL_INVALID_COUNT,
  NVME_SC_SGL_INVALID_DATA,
  NVME_SC_SGL_INVALID_SEG,
  NVME_SC_SGL_INVALID_TYPE,
} from "../nvme/status";
import { physmemTranslate } from "../runtime/physmem";
import { DMA_FLAG_BIT_BUCKET, dmaListClear, dmaListPush } from "./dma-list";

function sglError(sc: u32): u32 {
  return nvmeStatus(NVME_SCT_GENERIC, sc, 0, false, true);
}

/** Walks descriptor 1 at `desc1` for `lenBytes` into `out`; 0 or a status word. */
export function nvmeMapSgl(desc1: usize, lenBytes: u64, maxBytes: u64, out: usize): u32 {
  dmaListClear(out);
  if (lenBytes > maxBytes) return sglError(NVME_SC_INVALID_FIELD);
  let cap = load<u32>(out, 4);
  let desc = desc1;
  let left: u32 = 1; // descriptors left in the current segment
  let inLastSegment = false;
  let described: u64 = 0;
  let hops: u32 = 0;
  // Every pass consumes one descriptor; at most `cap` data descriptors fit
  // the list and at most `cap` segment hops are followed, so the loop ends
  // even on a segment that points at itself.
  while (true) {
    let d = changetype<SglDesc>(desc);
    let type = d.id >> 4;
    if ((d.id & 0xf) != NVME_SGL_SUBTYPE_ADDRESS) return sglError(NVME_SC_SGL_INVALID_TYPE);
    if (type == NVME_SGL_TYPE_SEGMENT || type == NVME_SGL_TYPE_LAST_SEGMENT) {
      // A pointer must close its list, and a Last Segment list holds none.
      if (left != 1 || inLastSegment) return sglError(NVME_SC_SGL_INVALID_SEG);
      let bytes = d.length;
      if (bytes == 0 || bytes % NVME_SGL_DESC_BYTES != 0) return sglError(NVME_SC_SGL_INVALID_SEG);
      let list = physmemTranslate(d.addr, <u64>bytes);
      if (list == 0) return nvmeStatus(NVME_SCT_GENERIC, NVME_SC_DATA_XFER_ERROR, 0, false, false);
      if (++hops > cap) return sglError(NVME_SC_SGL_INVALID_COUNT);
      inLastSegment = type == NVME_SGL_TYPE_LAST_SEGMENT;
      desc = list;
      left = bytes / NVME_SGL_DESC_BYTES;
      continue;
    }
    if (type != NVME_SGL_TYPE_DATA_BLOCK && type != NVME_SGL_TYPE_BIT_BUCKET) {
      return sglError(NVME_SC_SGL_INVALID_TYPE);
    }
    let flags = type == NVME_SGL_TYPE_BIT_BUCKET ? DMA_FLAG_BIT_BUCKET : 0;
    described += <u64>d.length;
    if (described > lenBytes) return sglError(NVME_SC_SGL_INVALID_DATA);
    if (!dmaListPush(out, d.addr, d.length, flags)) return sglError(NVME_SC_SGL_INVALID_COUNT);
    left--;
    if (left == 0) {
      // Only descriptor 1, or a Last Segment list, may end the SGL.
      if (desc != desc1 && !inLastSegment) return sglError(NVME_SC_SGL_INVALID_SEG);
      break;
    }
    desc += NVME_SGL_DESC_BYTES;
  }
  if (described != lenBytes) return sglError(NVME_SC_SGL_INVALID_DATA);
  return 0;
}
