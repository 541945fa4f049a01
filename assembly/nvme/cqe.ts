// Completion Queue Entry: NVMe Base 2.0 Figure 90 (Common Completion Queue
// Entry Layout) and Figure 93 (Status Field). 16 bytes, little-endian.
//
//  byte 0            4            8       10      12      14      16
//      +------------+------------+-------+-------+-------+-------+
//      |    DW0     |    DW1     | SQHD  | SQID  |  CID  |STATUS |
//      +------------+------------+-------+-------+-------+-------+
//  STATUS bit 0 P (phase) | 8:1 SC | 11:9 SCT | 13:12 CRD | 14 M | 15 DNR

@unmanaged
export class Cqe {
  dw0: u32;
  dw1: u32;
  sqhd: u16;
  sqid: u16;
  cid: u16;
  status: u16;
}

export const NVME_CQE_BYTES: u32 = 16;

if (offsetof<Cqe>() != 16) ERROR("Cqe must be 16 bytes");
if (offsetof<Cqe>("sqhd") != 8) ERROR("Cqe.sqhd must be at byte 8");
if (offsetof<Cqe>("cid") != 12) ERROR("Cqe.cid must be at byte 12");
if (offsetof<Cqe>("status") != 14) ERROR("Cqe.status must be at byte 14");

export const NVME_STATUS_PHASE: u16 = 1 << 0;
export const NVME_STATUS_SC_SHIFT: u16 = 1;
export const NVME_STATUS_SCT_SHIFT: u16 = 9;
export const NVME_STATUS_CRD_SHIFT: u16 = 12;
export const NVME_STATUS_MORE: u16 = 1 << 14;
export const NVME_STATUS_DNR: u16 = 1 << 15;

/** The status word without its phase bit: SC, SCT, CRD, More, DNR. */
export function nvmeStatus(sct: u32, sc: u32, crd: u32, more: bool, dnr: bool): u16 {
  let v: u32 = ((sc & 0xff) << NVME_STATUS_SC_SHIFT) | ((sct & 7) << NVME_STATUS_SCT_SHIFT);
  v |= (crd & 3) << NVME_STATUS_CRD_SHIFT;
  if (more) v |= NVME_STATUS_MORE;
  if (dnr) v |= NVME_STATUS_DNR;
  return <u16>v;
}

export function nvmeStatusSc(status: u16): u32 {
  return ((<u32>status) >> NVME_STATUS_SC_SHIFT) & 0xff;
}

export function nvmeStatusSct(status: u16): u32 {
  return ((<u32>status) >> NVME_STATUS_SCT_SHIFT) & 7;
}

/** Writes a whole entry; the phase tag is part of `status`. */
export function nvmeCqeWrite(cqe: usize, dw0: u32, dw1: u32, sqhd: u16, sqid: u16, cid: u16, status: u16): void {
  // Two 8-byte stores: the host reads the status back at once, and one store forwards to that load.
  store<u64>(cqe, <u64>dw0 | ((<u64>dw1) << 32));
  store<u64>(cqe, <u64>(<u32>sqhd | ((<u32>sqid) << 16)) | ((<u64>(<u32>cid | ((<u32>status) << 16))) << 32), 8);
}
