// Completion Queue Entries from TypeScript: encoded by the Wasm writer
// (assembly/nvme/cqe.ts), decoded with the offsets the module exports.
import type { Nvmesim } from "./module";
import { decodeStatus, type NvmeStatus } from "./status";

export interface CqeRequest {
  dw0?: number;
  dw1?: number;
  sqhd: number;
  sqid: number;
  cid: number;
  phase: number;
  sct: number;
  sc: number;
  crd?: number;
  more?: boolean;
  dnr?: boolean;
}

export interface DecodedCqe {
  dw0: number;
  dw1: number;
  sqhd: number;
  sqid: number;
  cid: number;
  statusWord: number;
  status: NvmeStatus;
}

export function encodeCqe(m: Nvmesim, r: CqeRequest): Uint8Array {
  const e = m.exports;
  const cqe = e.scratchPtr();
  const status = e.nvmeStatus(r.sct, r.sc, r.crd ?? 0, !!r.more, !!r.dnr) | (r.phase & 1);
  e.nvmeCqeWrite(cqe, r.dw0 ?? 0, r.dw1 ?? 0, r.sqhd, r.sqid, r.cid, status);
  return m.bytes(cqe, m.constant("NVME_CQE_BYTES"));
}

export function decodeCqe(m: Nvmesim, bytes: Uint8Array): DecodedCqe {
  const size = m.constant("NVME_CQE_BYTES");
  if (bytes.length !== size) throw new Error(`a CQE is ${size} bytes, got ${bytes.length}`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const statusWord = v.getUint16(m.constant("NVME_CQE_STATUS"), true);
  return {
    dw0: v.getUint32(m.constant("NVME_CQE_DW0"), true),
    dw1: v.getUint32(m.constant("NVME_CQE_DW1"), true),
    sqhd: v.getUint16(m.constant("NVME_CQE_SQHD"), true),
    sqid: v.getUint16(m.constant("NVME_CQE_SQID"), true),
    cid: v.getUint16(m.constant("NVME_CQE_CID"), true),
    statusWord,
    status: decodeStatus(m, statusWord),
  };
}
