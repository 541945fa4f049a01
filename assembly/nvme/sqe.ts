// Submission Queue Entry: NVMe Base 2.0 Figure 88 (Common Command Format) and
// NVM Command Set 1.0 section 3.2 (Flush, Read, Write, Write Zeroes, Dataset
// Management). 64 bytes, little-endian.
//
//  byte  0        1        2      3  4             8        12       16
//       +--------+--------+---------+-------------+--------+--------+
//       | OPC    | FUSE   |   CID   |    NSID     |  CDW2  |  CDW3  |
//       |        | PSDT   |         |             |        |        |
//       +--------+--------+---------+-------------+--------+--------+
//   16  |        MPTR (u64)         |        PRP1 / SGL1 addr      |  24
//   32  |    PRP2 / SGL1 len, id    |  CDW10   |  CDW11   |  CDW12 |  ...
//   52  |  CDW13   |  CDW14   |  CDW15   |                             64

export const NVME_OPC_FLUSH: u8 = 0x00;
export const NVME_OPC_WRITE: u8 = 0x01;
export const NVME_OPC_READ: u8 = 0x02;
export const NVME_OPC_WRITE_ZEROES: u8 = 0x08;
export const NVME_OPC_DSM: u8 = 0x09;

/** PSDT (CDW0 bits 15:14): how DPTR is read. */
export const NVME_PSDT_PRP: u8 = 0;
export const NVME_PSDT_SGL_MPTR_CONTIG: u8 = 1;
export const NVME_PSDT_SGL_MPTR_SGL: u8 = 2;

// CDW12 of Read/Write/Write Zeroes.
export const NVME_RW_NLB_MASK: u32 = 0xffff; // 0's based
export const NVME_RW_DEAC: u32 = 1 << 25; // Write Zeroes only
export const NVME_RW_PRINFO_SHIFT: u32 = 26;
export const NVME_RW_FUA: u32 = 1 << 30;
export const NVME_RW_LR: u32 = 1 << 31;
// CDW13 of Read/Write: DSM in bits 7:0, DSPEC in bits 31:16.
export const NVME_RW_DSPEC_SHIFT: u32 = 16;
// CDW15: ELBAT (application tag) bits 15:0, ELBATM (mask) bits 31:16.
export const NVME_RW_APPMASK_SHIFT: u32 = 16;
// Dataset Management: CDW10 NR (0's based range count), CDW11 attributes.
export const NVME_DSM_NR_MASK: u32 = 0xff;
export const NVME_DSM_IDR: u32 = 1 << 0;
export const NVME_DSM_IDW: u32 = 1 << 1;
export const NVME_DSM_AD: u32 = 1 << 2;
export const NVME_DSM_RANGE_BYTES: u32 = 16;

@unmanaged
export class Sqe {
  opc: u8;
  flags: u8; // FUSE bits 1:0, PSDT bits 7:6
  cid: u16;
  nsid: u32;
  cdw2: u32;
  cdw3: u32;
  mptr: u64;
  prp1: u64; // also SGL descriptor 1, bytes 24..39
  prp2: u64;
  cdw10: u32; // SLBA bits 31:0 for Read/Write/Write Zeroes
  cdw11: u32; // SLBA bits 63:32
  cdw12: u32;
  cdw13: u32;
  cdw14: u32;
  cdw15: u32;
}

export const NVME_SQE_BYTES: u32 = 64;

// The layout is the wire format: any drift is a compile error.
if (offsetof<Sqe>() != 64) ERROR("Sqe must be 64 bytes");
if (offsetof<Sqe>("cid") != 2) ERROR("Sqe.cid must be at byte 2");
if (offsetof<Sqe>("nsid") != 4) ERROR("Sqe.nsid must be at byte 4");
if (offsetof<Sqe>("mptr") != 16) ERROR("Sqe.mptr must be at byte 16");
if (offsetof<Sqe>("prp1") != 24) ERROR("Sqe.prp1 must be at byte 24");
if (offsetof<Sqe>("prp2") != 32) ERROR("Sqe.prp2 must be at byte 32");
if (offsetof<Sqe>("cdw10") != 40) ERROR("Sqe.cdw10 must be at byte 40");
if (offsetof<Sqe>("cdw12") != 48) ERROR("Sqe.cdw12 must be at byte 48");
if (offsetof<Sqe>("cdw15") != 60) ERROR("Sqe.cdw15 must be at byte 60");

/** Zeroes a 64-byte entry; every encoder starts here so no stale bytes leak. */
export function nvmeSqeClear(sqe: usize): void {
  store<u64>(sqe, 0, 0);
  store<u64>(sqe, 0, 8);
  store<u64>(sqe, 0, 16);
  store<u64>(sqe, 0, 24);
  store<u64>(sqe, 0, 32);
  store<u64>(sqe, 0, 40);
  store<u64>(sqe, 0, 48);
  store<u64>(sqe, 0, 56);
}

/** Writes CDW0 and NSID: opcode, FUSE, PSDT and command id. */
export function nvmeSqeSetHeader(sqe: usize, opc: u8, fuse: u8, psdt: u8, cid: u16, nsid: u32): void {
  let s = changetype<Sqe>(sqe);
  s.opc = opc;
  s.flags = (fuse & 3) | ((psdt & 3) << 6);
  s.cid = cid;
  s.nsid = nsid;
}

/** CDW12 for Read/Write/Write Zeroes; `nlb` is the 0's based block count. */
export function nvmeRwCdw12(nlb: u32, fua: bool, lr: bool, deac: bool, prinfo: u32): u32 {
  let v = nlb & NVME_RW_NLB_MASK;
  if (deac) v |= NVME_RW_DEAC;
  v |= (prinfo & 0xf) << NVME_RW_PRINFO_SHIFT;
  if (fua) v |= NVME_RW_FUA;
  if (lr) v |= NVME_RW_LR;
  return v;
}

/** Read, Write or Write Zeroes: SLBA, CDW12 controls, CDW13 DSM/DSPEC, CDW14-15 protection tags. */
export function nvmeSqeSetRw(
  sqe: usize,
  slba: u64,
  cdw12: u32,
  dsm: u32,
  dspec: u32,
  reftag: u32,
  apptag: u32,
  appmask: u32,
): void {
  let s = changetype<Sqe>(sqe);
  s.cdw10 = <u32>slba;
  s.cdw11 = <u32>(slba >>> 32);
  s.cdw12 = cdw12;
  s.cdw13 = (dsm & 0xff) | ((dspec & 0xffff) << NVME_RW_DSPEC_SHIFT);
  s.cdw14 = reftag;
  s.cdw15 = (apptag & 0xffff) | ((appmask & 0xffff) << NVME_RW_APPMASK_SHIFT);
}

/** Dataset Management: `nr` is the 0's based number of 16-byte ranges. */
export function nvmeSqeSetDsm(sqe: usize, nr: u32, attributes: u32): void {
  let s = changetype<Sqe>(sqe);
  s.cdw10 = nr & NVME_DSM_NR_MASK;
  s.cdw11 = attributes & (NVME_DSM_IDR | NVME_DSM_IDW | NVME_DSM_AD);
}

/** Encodes the SLBA of a Read/Write/Write Zeroes entry back from CDW10-11. */
export function nvmeSqeSlba(sqe: usize): u64 {
  let s = changetype<Sqe>(sqe);
  return ((<u64>s.cdw11) << 32) | (<u64>s.cdw10);
}

/**
 * A whole Read or Write in one pass, each 8-byte word stored once: CDW0 (FUSE 0) and NSID, DPTR, SLBA, CDW12
 * and CDW13, with CDW2-3, MPTR and CDW14-15 zero. The same 64 bytes as nvmeSqeClear, nvmeSqeSetHeader, the
 * DPTR and nvmeSqeSetRw without protection tags, for the hot paths that build one per I/O.
 */
export function nvmeSqeWriteRw(
  sqe: usize,
  opc: u8,
  psdt: u8,
  cid: u16,
  nsid: u32,
  dptr0: u64,
  dptr1: u64,
  slba: u64,
  cdw12: u32,
  cdw13: u32,
): void {
  let cdw0 = <u32>opc | (((<u32>psdt & 3) << 6) << 8) | ((<u32>cid) << 16);
  store<u64>(sqe, <u64>cdw0 | ((<u64>nsid) << 32));
  store<u64>(sqe, 0, 8);
  store<u64>(sqe, 0, 16);
  store<u64>(sqe, dptr0, 24);
  store<u64>(sqe, dptr1, 32);
  store<u64>(sqe, slba, 40);
  store<u64>(sqe, <u64>cdw12 | ((<u64>cdw13) << 32), 48);
  store<u64>(sqe, 0, 56);
}
