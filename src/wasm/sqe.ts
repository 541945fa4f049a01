// Submission Queue Entries from TypeScript: encoding goes through the Wasm
// encoders (assembly/nvme/sqe.ts), decoding reads bytes with the offsets and
// bit positions the module exports, so the layout is written down once.
import type { Nvmesim } from "./module";

export const SQE_COMMANDS = ["read", "write", "flush", "write-zeroes", "dsm"] as const;
export type SqeCommand = (typeof SQE_COMMANDS)[number];

/** What a user can set on a command; unset fields are zero. */
export interface SqeRequest {
  command: SqeCommand;
  nsid: number;
  cid: number;
  slba?: bigint;
  /** 1-based logical block count (the wire field `nlb` is this minus one). */
  lbaCount?: number;
  fua?: boolean;
  lr?: boolean;
  deac?: boolean;
  dsm?: number;
  dspec?: number;
  reftag?: number;
  apptag?: number;
  appmask?: number;
  prp1?: bigint;
  prp2?: bigint;
  /** Dataset Management: 1-based range count. */
  ranges?: number;
  ad?: boolean;
  idr?: boolean;
  idw?: boolean;
}

const OPCODE_CONSTANTS = {
  read: "NVME_OPC_READ",
  write: "NVME_OPC_WRITE",
  flush: "NVME_OPC_FLUSH",
  "write-zeroes": "NVME_OPC_WRITE_ZEROES",
  dsm: "NVME_OPC_DSM",
} as const;

const OPCODE_NAMES: Record<SqeCommand, string> = {
  read: "Read",
  write: "Write",
  flush: "Flush",
  "write-zeroes": "Write Zeroes",
  dsm: "Dataset Management",
};

export function sqeOpcode(m: Nvmesim, command: SqeCommand): number {
  return m.constant(OPCODE_CONSTANTS[command]);
}

/** Encodes one entry in the module and returns its 64 bytes. */
export function encodeSqe(m: Nvmesim, r: SqeRequest): Uint8Array {
  const e = m.exports;
  const sqe = e.scratchPtr();
  e.nvmeSqeClear(sqe);
  e.nvmeSqeSetHeader(sqe, sqeOpcode(m, r.command), 0, m.constant("NVME_PSDT_PRP"), r.cid, r.nsid);
  if (r.command === "read" || r.command === "write" || r.command === "write-zeroes") {
    // DEAC is Write Zeroes only, DSPEC Write only, DSM not on Write Zeroes: elsewhere the bits are reserved.
    const zeroes = r.command === "write-zeroes";
    const cdw12 = e.nvmeRwCdw12((r.lbaCount ?? 1) - 1, !!r.fua, !!r.lr, zeroes && !!r.deac, 0);
    const dsm = zeroes ? 0 : (r.dsm ?? 0);
    const dspec = r.command === "write" ? (r.dspec ?? 0) : 0;
    e.nvmeSqeSetRw(sqe, r.slba ?? 0n, cdw12, dsm, dspec, r.reftag ?? 0, r.apptag ?? 0, r.appmask ?? 0);
  } else if (r.command === "dsm") {
    let attributes = 0;
    if (r.idr) attributes |= m.constant("NVME_DSM_IDR");
    if (r.idw) attributes |= m.constant("NVME_DSM_IDW");
    if (r.ad) attributes |= m.constant("NVME_DSM_AD");
    e.nvmeSqeSetDsm(sqe, (r.ranges ?? 1) - 1, attributes);
  }
  e.nvmeSqeSetDptr(sqe, r.prp1 ?? 0n, r.prp2 ?? 0n);
  return m.bytes(sqe, m.constant("NVME_SQE_BYTES"));
}

/** One decoded field: its spec name, value, and a note for people. */
export interface DecodedField {
  name: string;
  value: number | bigint | boolean;
  note?: string;
}

export interface DecodedSqe {
  opcode: number;
  command: SqeCommand | undefined;
  commandName: string;
  fields: DecodedField[];
}

/** Decodes 64 bytes: the common fields, then the command's own. Never throws on content. */
export function decodeSqe(m: Nvmesim, bytes: Uint8Array): DecodedSqe {
  const size = m.constant("NVME_SQE_BYTES");
  if (bytes.length !== size) throw new Error(`an SQE is ${size} bytes, got ${bytes.length}`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u32 = (name: Parameters<Nvmesim["constant"]>[0]) => v.getUint32(m.constant(name), true);
  const u64 = (name: Parameters<Nvmesim["constant"]>[0]) => v.getBigUint64(m.constant(name), true);
  const opcode = v.getUint8(m.constant("NVME_SQE_OPC"));
  const flags = v.getUint8(m.constant("NVME_SQE_FLAGS"));
  const command = SQE_COMMANDS.find((c) => sqeOpcode(m, c) === opcode);
  const psdt = flags >> 6;
  const fields: DecodedField[] = [
    { name: "opc", value: opcode, note: command ? OPCODE_NAMES[command] : "not an NVM command nvmesim decodes" },
    { name: "fuse", value: flags & 3, note: ["normal", "fused first", "fused second", "reserved"][flags & 3] },
    { name: "psdt", value: psdt, note: ["PRP", "SGL, MPTR contiguous", "SGL, MPTR is an SGL", "reserved"][psdt] },
    { name: "cid", value: v.getUint16(m.constant("NVME_SQE_CID"), true) },
    { name: "nsid", value: u32("NVME_SQE_NSID") },
    { name: "cdw2", value: u32("NVME_SQE_CDW2") },
    { name: "cdw3", value: u32("NVME_SQE_CDW3") },
    { name: "mptr", value: u64("NVME_SQE_MPTR") },
    ...dptrFields(m, v, psdt),
  ];
  const cdw10 = u32("NVME_SQE_CDW10");
  const cdw11 = u32("NVME_SQE_CDW11");
  const cdw12 = u32("NVME_SQE_CDW12");
  const cdw13 = u32("NVME_SQE_CDW13");
  const cdw14 = u32("NVME_SQE_CDW14");
  const cdw15 = u32("NVME_SQE_CDW15");
  const bit = (word: number, name: Parameters<Nvmesim["constant"]>[0]) => (word & m.constant(name)) !== 0;
  if (command === "read" || command === "write" || command === "write-zeroes") {
    const nlb = cdw12 & m.constant("NVME_RW_NLB_MASK");
    fields.push(
      { name: "slba", value: (BigInt(cdw11) << 32n) | BigInt(cdw10) },
      { name: "nlb", value: nlb, note: `0's based: ${nlb + 1} logical block${nlb === 0 ? "" : "s"}` },
      { name: "prinfo", value: (cdw12 >>> m.constant("NVME_RW_PRINFO_SHIFT")) & 0xf },
      { name: "fua", value: bit(cdw12, "NVME_RW_FUA") },
      { name: "lr", value: bit(cdw12, "NVME_RW_LR") },
    );
    if (command === "write-zeroes") fields.push({ name: "deac", value: bit(cdw12, "NVME_RW_DEAC") });
    else fields.push({ name: "dsm", value: cdw13 & 0xff });
    if (command === "write") fields.push({ name: "dspec", value: cdw13 >>> m.constant("NVME_RW_DSPEC_SHIFT") });
    fields.push(
      { name: "reftag", value: cdw14 },
      { name: "apptag", value: cdw15 & 0xffff },
      { name: "appmask", value: cdw15 >>> m.constant("NVME_RW_APPMASK_SHIFT") },
    );
  } else if (command === "dsm") {
    const nr = cdw10 & m.constant("NVME_DSM_NR_MASK");
    fields.push(
      { name: "nr", value: nr, note: `0's based: ${nr + 1} range${nr === 0 ? "" : "s"}` },
      { name: "idr", value: bit(cdw11, "NVME_DSM_IDR") },
      { name: "idw", value: bit(cdw11, "NVME_DSM_IDW") },
      { name: "ad", value: bit(cdw11, "NVME_DSM_AD") },
    );
  }
  // Dwords the command does not define are shown raw.
  const rawFrom = command === "dsm" ? 2 : command === undefined || command === "flush" ? 0 : 6;
  [cdw10, cdw11, cdw12, cdw13, cdw14, cdw15]
    .slice(rawFrom)
    .forEach((value, i) => fields.push({ name: `cdw${10 + rawFrom + i}`, value }));
  return { opcode, command, commandName: command ? OPCODE_NAMES[command] : `opcode 0x${hex2(opcode)}`, fields };
}

const SGL_TYPE_NAMES = [
  "Data Block",
  "Bit Bucket",
  "Segment",
  "Last Segment",
  "Keyed Data Block",
  "Transport Data Block",
];

// DPTR: PRP1/PRP2, or SGL descriptor 1 when PSDT says so (NVMe Base 2.0 4.1.2).
function dptrFields(m: Nvmesim, v: DataView, psdt: number): DecodedField[] {
  const at = m.constant("NVME_SQE_PRP1");
  if (psdt === 0) {
    return [
      { name: "prp1", value: v.getBigUint64(at, true) },
      { name: "prp2", value: v.getBigUint64(m.constant("NVME_SQE_PRP2"), true) },
    ];
  }
  const id = v.getUint8(at + m.constant("NVME_SGL_DESC_ID"));
  return [
    { name: "sgl1.addr", value: v.getBigUint64(at + m.constant("NVME_SGL_DESC_ADDR"), true) },
    { name: "sgl1.length", value: v.getUint32(at + m.constant("NVME_SGL_DESC_LENGTH"), true) },
    { name: "sgl1.type", value: id >> 4, note: SGL_TYPE_NAMES[id >> 4] ?? "reserved" },
    { name: "sgl1.subtype", value: id & 0xf, note: (id & 0xf) === 0 ? "Address" : "not Address" },
  ];
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, "0");
}
