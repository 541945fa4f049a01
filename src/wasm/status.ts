// Names of NVMe status codes for people: the values come from the module
// (assembly/nvme/status.ts), the names and descriptions live only here.
import type { ConstantName } from "./exports";
import type { Nvmesim } from "./module";

interface StatusName {
  sct: ConstantName;
  sc: ConstantName;
  name: string;
}

const STATUS_NAMES: readonly StatusName[] = [
  { sct: "NVME_SCT_GENERIC", sc: "NVME_SC_SUCCESS", name: "Successful Completion" },
  { sct: "NVME_SCT_GENERIC", sc: "NVME_SC_INVALID_OPCODE", name: "Invalid Command Opcode" },
  { sct: "NVME_SCT_GENERIC", sc: "NVME_SC_INVALID_FIELD", name: "Invalid Field in Command" },
  { sct: "NVME_SCT_GENERIC", sc: "NVME_SC_CMDID_CONFLICT", name: "Command ID Conflict" },
  { sct: "NVME_SCT_GENERIC", sc: "NVME_SC_DATA_XFER_ERROR", name: "Data Transfer Error" },
  { sct: "NVME_SCT_GENERIC", sc: "NVME_SC_INTERNAL", name: "Internal Error" },
  { sct: "NVME_SCT_GENERIC", sc: "NVME_SC_INVALID_NS", name: "Invalid Namespace or Format" },
  { sct: "NVME_SCT_GENERIC", sc: "NVME_SC_SGL_INVALID_SEG", name: "Invalid SGL Segment Descriptor" },
  { sct: "NVME_SCT_GENERIC", sc: "NVME_SC_SGL_INVALID_COUNT", name: "Invalid Number of SGL Descriptors" },
  { sct: "NVME_SCT_GENERIC", sc: "NVME_SC_SGL_INVALID_DATA", name: "Data SGL Length Invalid" },
  { sct: "NVME_SCT_GENERIC", sc: "NVME_SC_SGL_INVALID_METADATA", name: "Metadata SGL Length Invalid" },
  { sct: "NVME_SCT_GENERIC", sc: "NVME_SC_SGL_INVALID_TYPE", name: "SGL Descriptor Type Invalid" },
  { sct: "NVME_SCT_GENERIC", sc: "NVME_SC_PRP_INVALID_OFFSET", name: "PRP Offset Invalid" },
  { sct: "NVME_SCT_GENERIC", sc: "NVME_SC_SGL_INVALID_OFFSET", name: "SGL Offset Invalid" },
  { sct: "NVME_SCT_GENERIC", sc: "NVME_SC_SGL_INVALID_GRANULARITY", name: "SGL Data Block Granularity Invalid" },
  { sct: "NVME_SCT_GENERIC", sc: "NVME_SC_LBA_RANGE", name: "LBA Out of Range" },
  { sct: "NVME_SCT_GENERIC", sc: "NVME_SC_CAP_EXCEEDED", name: "Capacity Exceeded" },
  { sct: "NVME_SCT_GENERIC", sc: "NVME_SC_NS_NOT_READY", name: "Namespace Not Ready" },
  { sct: "NVME_SCT_MEDIA", sc: "NVME_SC_WRITE_FAULT", name: "Write Fault" },
  { sct: "NVME_SCT_MEDIA", sc: "NVME_SC_READ_ERROR", name: "Unrecovered Read Error" },
  { sct: "NVME_SCT_MEDIA", sc: "NVME_SC_GUARD_CHECK", name: "End-to-end Guard Check Error" },
  { sct: "NVME_SCT_MEDIA", sc: "NVME_SC_APPTAG_CHECK", name: "End-to-end Application Tag Check Error" },
  { sct: "NVME_SCT_MEDIA", sc: "NVME_SC_REFTAG_CHECK", name: "End-to-end Reference Tag Check Error" },
  { sct: "NVME_SCT_MEDIA", sc: "NVME_SC_COMPARE_FAILED", name: "Compare Failure" },
  { sct: "NVME_SCT_MEDIA", sc: "NVME_SC_ACCESS_DENIED", name: "Access Denied" },
  { sct: "NVME_SCT_MEDIA", sc: "NVME_SC_UNWRITTEN_BLOCK", name: "Deallocated or Unwritten Logical Block" },
];

const SCT_NAMES: Record<number, string> = {
  0: "Generic Command Status",
  1: "Command Specific Status",
  2: "Media and Data Integrity Errors",
  3: "Path Related Status",
  7: "Vendor Specific",
};

/** The fields of a 16-bit status word. */
export interface NvmeStatus {
  phase: number;
  sc: number;
  sct: number;
  crd: number;
  more: boolean;
  dnr: boolean;
  /** Spec name, or "SCT x SC y" for codes nvmesim does not name. */
  name: string;
}

export function statusName(m: Nvmesim, sct: number, sc: number): string {
  for (const entry of STATUS_NAMES) {
    if (m.constant(entry.sct) === sct && m.constant(entry.sc) === sc) return entry.name;
  }
  const type = SCT_NAMES[sct] ?? "Reserved status code type";
  return `${type}, SC 0x${sc.toString(16).padStart(2, "0")}`;
}

/** Splits a status word (as in CQE bytes 14-15) into its fields. */
export function decodeStatus(m: Nvmesim, word: number): NvmeStatus {
  const sc = (word >> m.constant("NVME_STATUS_SC_SHIFT")) & 0xff;
  const sct = (word >> m.constant("NVME_STATUS_SCT_SHIFT")) & 7;
  return {
    phase: word & m.constant("NVME_STATUS_PHASE"),
    sc,
    sct,
    crd: (word >> m.constant("NVME_STATUS_CRD_SHIFT")) & 3,
    more: (word & m.constant("NVME_STATUS_MORE")) !== 0,
    dnr: (word & m.constant("NVME_STATUS_DNR")) !== 0,
    name: statusName(m, sct, sc),
  };
}
