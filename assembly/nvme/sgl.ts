// SGL descriptor: NVMe Base 2.0 section 4.1.2, Figures 113-119. 16 bytes.
//
//  byte 0                       8             12          15       16
//      +------------------------+-------------+-----------+--------+
//      |     Address (u64)      | Length (u32)| reserved  | SGL ID |
//      +------------------------+-------------+-----------+--------+
//  SGL ID: descriptor type bits 7:4, subtype bits 3:0 (0 = Address).

@unmanaged
export class SglDesc {
  addr: u64;
  length: u32;
  rsvd0: u16;
  rsvd1: u8;
  id: u8;
}

export const NVME_SGL_DESC_BYTES: u32 = 16;

if (offsetof<SglDesc>() != 16) ERROR("SglDesc must be 16 bytes");
if (offsetof<SglDesc>("length") != 8) ERROR("SglDesc.length must be at byte 8");
if (offsetof<SglDesc>("id") != 15) ERROR("SglDesc.id must be at byte 15");

export const NVME_SGL_TYPE_DATA_BLOCK: u8 = 0x0;
export const NVME_SGL_TYPE_BIT_BUCKET: u8 = 0x1;
export const NVME_SGL_TYPE_SEGMENT: u8 = 0x2;
export const NVME_SGL_TYPE_LAST_SEGMENT: u8 = 0x3;
export const NVME_SGL_SUBTYPE_ADDRESS: u8 = 0x0;

/** Writes one descriptor; type and subtype go into byte 15. */
export function nvmeSglDescWrite(desc: usize, addr: u64, length: u32, type: u8, subtype: u8): void {
  let d = changetype<SglDesc>(desc);
  d.addr = addr;
  d.length = length;
  d.rsvd0 = 0;
  d.rsvd1 = 0;
  d.id = (type << 4) | (subtype & 0xf);
}

export function nvmeSglDescType(desc: usize): u8 {
  return changetype<SglDesc>(desc).id >> 4;
}
