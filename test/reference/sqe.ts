// SQE encoding in the reference model, from NVMe Base 2.0 Figure 88 and the
// NVM Command Set's CDW10-15 tables, offsets and bits typed in from the spec.

export interface RefSqe {
  opc: number;
  cid: number;
  nsid: number;
  prp1: bigint;
  prp2: bigint;
  cdw10: number;
  cdw11: number;
  cdw12: number;
  cdw13: number;
  cdw14: number;
  cdw15: number;
}

export const REF_OPCODES = { flush: 0x00, write: 0x01, read: 0x02, "write-zeroes": 0x08, dsm: 0x09 } as const;

export interface RefSqeFields {
  command: keyof typeof REF_OPCODES;
  nsid: number;
  cid: number;
  slba: bigint;
  lbaCount: number;
  fua: boolean;
  lr: boolean;
  deac: boolean;
  dsm: number;
  dspec: number;
  reftag: number;
  apptag: number;
  appmask: number;
  prp1: bigint;
  prp2: bigint;
  ranges: number;
  ad: boolean;
  idr: boolean;
  idw: boolean;
}

/** The dwords a command carries, as the spec's tables define them. */
export function refSqeDwords(f: RefSqeFields): RefSqe {
  const sqe: RefSqe = {
    opc: REF_OPCODES[f.command],
    cid: f.cid,
    nsid: f.nsid,
    prp1: f.prp1,
    prp2: f.prp2,
    cdw10: 0,
    cdw11: 0,
    cdw12: 0,
    cdw13: 0,
    cdw14: 0,
    cdw15: 0,
  };
  if (f.command === "dsm") {
    sqe.cdw10 = f.ranges - 1; // NR, 0's based
    sqe.cdw11 = (f.idr ? 1 : 0) | (f.idw ? 2 : 0) | (f.ad ? 4 : 0);
  } else if (f.command !== "flush") {
    sqe.cdw10 = Number(f.slba & 0xffffffffn);
    sqe.cdw11 = Number(f.slba >> 32n);
    const deac = f.command === "write-zeroes" && f.deac;
    sqe.cdw12 = ((f.lbaCount - 1) | (deac ? 2 ** 25 : 0) | (f.fua ? 2 ** 30 : 0)) + (f.lr ? 2 ** 31 : 0);
    if (f.command !== "write-zeroes") sqe.cdw13 = f.dsm + (f.command === "write" ? f.dspec * 65536 : 0);
    sqe.cdw14 = f.reftag;
    sqe.cdw15 = f.apptag + f.appmask * 65536;
  }
  return sqe;
}

export function refSqeBytes(s: RefSqe): Uint8Array {
  const bytes = new Uint8Array(64);
  const v = new DataView(bytes.buffer);
  v.setUint8(0, s.opc);
  v.setUint16(2, s.cid, true);
  v.setUint32(4, s.nsid, true);
  v.setBigUint64(24, s.prp1, true);
  v.setBigUint64(32, s.prp2, true);
  [s.cdw10, s.cdw11, s.cdw12, s.cdw13, s.cdw14, s.cdw15].forEach((dw, i) => v.setUint32(40 + 4 * i, dw, true));
  return bytes;
}
