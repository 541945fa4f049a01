// Data pointers from TypeScript: what a host builds (PRPs or SGLs, with list
// pages from a pool) and what a controller resolves them into, both run in
// the module (assembly/host/prp.ts, sgl.ts; assembly/device/prp.ts, sgl.ts).
import type { Nvmesim } from "./module";
import { decodeStatus, type NvmeStatus } from "./status";

/** One scatter-list segment: bus address and length in bytes. */
export interface Segment {
  addr: bigint;
  len: number;
}

export interface ListPage {
  addr: bigint;
  /** PRP entries (u64) or, for SGLs, the 16-byte descriptors as two u64 words each. */
  entries: bigint[];
}

export interface BuiltPrps {
  prp1: bigint;
  prp2: bigint;
  listPages: ListPage[];
  dataPages: number;
}

export interface DmaPiece {
  addr: bigint;
  len: number;
  bitBucket: boolean;
}

export interface Walked {
  statusWord: number;
  status: NvmeStatus;
  pieces: DmaPiece[];
}

/** Why the host refused to build a data pointer; `segment` is the 0-based segment index. */
export class DataPointerError extends Error {
  constructor(
    readonly code: string,
    readonly segment: number,
    message: string,
  ) {
    super(message);
  }
}

export const PAGE_SIZE_MIN = 4096;
export const PAGE_SIZE_MAX = 2 ** 27; // 2^(12 + MPS), MPS <= 15

/** Data pages the segments span at `pageBytes`; the same count the host builder uses. */
export function pagesSpanned(segments: readonly Segment[], pageBytes: number): number {
  const mask = BigInt(pageBytes - 1);
  return segments.reduce((n, s) => n + Math.ceil((Number(s.addr & mask) + s.len) / pageBytes), 0);
}

function errorMessage(
  m: Nvmesim,
  code: number,
  segment: number,
  pageBytes: number,
  maxBytes: bigint,
): DataPointerError {
  const at = `segment ${segment}`;
  const table: [Parameters<Nvmesim["constant"]>[0], string, string][] = [
    ["DPTR_ERR_NO_SEGMENTS", "no-segments", "no segments given"],
    ["DPTR_ERR_SEG_EMPTY", "segment-empty", `${at} has length 0`],
    ["DPTR_ERR_PRP1_ALIGN", "prp1-align", `${at}: PRP1 must be dword (4-byte) aligned`],
    ["DPTR_ERR_SEG_START", "segment-start", `${at} must start on a ${pageBytes}-byte page boundary`],
    [
      "DPTR_ERR_SEG_END",
      "segment-end",
      `${at} must end on a ${pageBytes}-byte page boundary (only the last may end inside a page)`,
    ],
    ["DPTR_ERR_TOO_LONG", "too-long", `transfer exceeds the maximum of ${maxBytes} bytes at ${at}`],
    ["DPTR_ERR_SEG_WRAP", "segment-wrap", `${at} runs past the end of the 64-bit address space`],
    ["DPTR_ERR_POOL_EMPTY", "pool-empty", "the list page pool is empty"],
    ["DPTR_ERR_LIST_CAP", "list-cap", "more list pages than the descriptor can record"],
  ];
  for (const [name, id, message] of table) {
    if (m.constant(name) === code) return new DataPointerError(id, segment, message);
  }
  return new DataPointerError("unknown", segment, `unknown build error ${code}`);
}

function writeSegments(m: Nvmesim, segments: readonly Segment[]): number {
  const e = m.exports;
  const bytes = segments.length * m.constant("SEG_BYTES");
  if (bytes > m.constant("SCRATCH_BYTES")) throw new Error(`too many segments: ${segments.length}`);
  const segs = e.scratchPtr();
  segments.forEach((s, i) => e.segSet(segs, i, s.addr, s.len));
  return segs;
}

function readListPages(m: Nvmesim, iod: number, listBase: bigint, pageBytes: number, used: number[]): ListPage[] {
  return used.map((count, i) => {
    const index = m.u32(iod + m.constant("IOD_HEADER_BYTES") + 4 * i);
    const addr = listBase + BigInt(index) * BigInt(pageBytes);
    const ptr = m.exports.physmemTranslate(addr, BigInt(pageBytes));
    const v = m.view();
    return { addr, entries: Array.from({ length: count }, (_, k) => v.getBigUint64(ptr + 8 * k, true)) };
  });
}

/**
 * Builds PRPs as Linux nvme_setup_prps does; list pages are taken in order
 * from a pool starting at `listBase`, one page apart. Throws DataPointerError.
 */
export function buildPrps(
  m: Nvmesim,
  segments: readonly Segment[],
  pageBytes: number,
  maxBytes: bigint,
  listBase: bigint,
): BuiltPrps {
  const e = m.exports;
  e.simReset();
  const dataPages = segments.length > 0 ? pagesSpanned(segments, pageBytes) : 0;
  const perPage = pageBytes / 8;
  const entries = Math.max(dataPages - 1, 0);
  const lists = entries >= 2 ? Math.max(1, Math.ceil((entries - 1) / (perPage - 1))) : 0;
  const pool = e.pagePoolCreate(listBase, pageBytes, Math.max(lists, 1));
  const iod = e.iodCreate(lists);
  if (pool === 0 || iod === 0) throw new Error("out of memory for the list pages");
  const segs = writeSegments(m, segments);
  const code = e.nvmeSetupPrps(iod, segs, segments.length, Math.log2(pageBytes), maxBytes, pool);
  if (code !== m.constant("DPTR_OK"))
    throw errorMessage(m, code, m.u32(iod + m.constant("IOD_ERROR_INDEX")), pageBytes, maxBytes);
  // Every page but the last is full (its last slot chains); the last holds the rest.
  const used = Array.from({ length: lists }, (_, i) =>
    i < lists - 1 ? perPage : entries - (lists - 1) * (perPage - 1),
  );
  return {
    prp1: m.u64(iod + m.constant("IOD_DPTR0")),
    prp2: m.u64(iod + m.constant("IOD_DPTR1")),
    listPages: readListPages(m, iod, listBase, pageBytes, used),
    dataPages,
  };
}

function readPieces(m: Nvmesim, list: number): DmaPiece[] {
  const v = m.view();
  const count = v.getUint32(list, true);
  const first = list + m.constant("DMA_LIST_HEADER_BYTES");
  const size = m.constant("DMA_ENTRY_BYTES");
  const bitBucket = m.constant("DMA_FLAG_BIT_BUCKET");
  return Array.from({ length: count }, (_, i) => ({
    addr: v.getBigUint64(first + i * size, true),
    len: v.getUint32(first + i * size + 8, true),
    bitBucket: (v.getUint32(first + i * size + 12, true) & bitBucket) !== 0,
  }));
}

/** Maps host memory pages (e.g. list pages) so the controller can read them. */
function mapPages(m: Nvmesim, pages: readonly ListPage[], pageBytes: number): void {
  const e = m.exports;
  for (const page of pages) {
    const ptr = e.arenaAlloc(pageBytes, 8);
    if (ptr === 0) throw new Error("out of memory for list pages");
    const v = m.view();
    page.entries.slice(0, pageBytes / 8).forEach((entry, i) => v.setBigUint64(ptr + 8 * i, entry, true));
    if (e.physmemMap(page.addr, ptr, BigInt(pageBytes)) < 0) {
      throw new Error(`list page 0x${page.addr.toString(16)} overlaps another or the table is full`);
    }
  }
}

/**
 * The controller's view of PRP1/PRP2 for `lenBytes`: data pieces or an NVMe
 * status. `pages` is the host memory the controller may read (list pages).
 */
export function walkPrps(
  m: Nvmesim,
  prp1: bigint,
  prp2: bigint,
  lenBytes: bigint,
  pageBytes: number,
  maxBytes: bigint,
  pages: readonly ListPage[],
): Walked {
  const e = m.exports;
  e.simReset();
  mapPages(m, pages, pageBytes);
  const cap = Number(maxBytes / BigInt(pageBytes)) + 2;
  const out = e.dmaListCreate(cap);
  if (out === 0) throw new Error(`out of memory for a ${cap}-entry DMA list`);
  const statusWord = e.nvmeMapPrp(prp1, prp2, lenBytes, Math.log2(pageBytes), maxBytes, out);
  return { statusWord, status: decodeStatus(m, statusWord), pieces: readPieces(m, out) };
}

/** An SGL descriptor as 16 wire bytes' fields. */
export interface SglDescriptor {
  addr: bigint;
  length: number;
  type: number;
  subtype: number;
}

export interface SglPage {
  addr: bigint;
  descs: SglDescriptor[];
}

export interface BuiltSgls {
  desc1: SglDescriptor;
  pages: SglPage[];
}

function readDesc(m: Nvmesim, ptr: number): SglDescriptor {
  const v = m.view();
  const id = v.getUint8(ptr + m.constant("NVME_SGL_DESC_ID"));
  return {
    addr: v.getBigUint64(ptr + m.constant("NVME_SGL_DESC_ADDR"), true),
    length: v.getUint32(ptr + m.constant("NVME_SGL_DESC_LENGTH"), true),
    type: id >> 4,
    subtype: id & 0xf,
  };
}

/**
 * Builds SGL descriptor 1 and segment pages as Linux nvme_pci_setup_sgls;
 * segment pages come in order from a pool at `listBase`. Throws DataPointerError.
 */
export function buildSgls(
  m: Nvmesim,
  segments: readonly Segment[],
  pageBytes: number,
  maxBytes: bigint,
  listBase: bigint,
): BuiltSgls {
  const e = m.exports;
  e.simReset();
  const perPage = pageBytes / 16;
  const n = segments.length;
  const pagesNeeded = n <= 1 ? 0 : n <= perPage ? 1 : Math.ceil((n - 1) / (perPage - 1));
  const pool = e.pagePoolCreate(listBase, pageBytes, Math.max(pagesNeeded, 1));
  const iod = e.iodCreate(pagesNeeded);
  if (pool === 0 || iod === 0) throw new Error("out of memory for SGL segment pages");
  const code = e.nvmeSetupSgls(iod, writeSegments(m, segments), n, pageBytes, maxBytes, pool);
  if (code !== m.constant("DPTR_OK"))
    throw errorMessage(m, code, m.u32(iod + m.constant("IOD_ERROR_INDEX")), pageBytes, maxBytes);
  const size = m.constant("NVME_SGL_DESC_BYTES");
  const pages = Array.from({ length: pagesNeeded }, (_, i): SglPage => {
    const addr = listBase + BigInt(m.u32(iod + m.constant("IOD_HEADER_BYTES") + 4 * i)) * BigInt(pageBytes);
    const ptr = e.physmemTranslate(addr, BigInt(pageBytes));
    const count = i < pagesNeeded - 1 ? perPage : n - (pagesNeeded - 1) * (perPage - 1);
    return { addr, descs: Array.from({ length: count }, (_, k) => readDesc(m, ptr + k * size)) };
  });
  return { desc1: readDesc(m, iod + m.constant("IOD_DPTR0")), pages };
}

/** The controller's walk of SGL descriptor 1 for `lenBytes`; `pages` is host memory holding segments. */
export function walkSgl(
  m: Nvmesim,
  desc1: SglDescriptor,
  lenBytes: bigint,
  maxBytes: bigint,
  maxDescriptors: number,
  pages: readonly SglPage[],
  pageBytes: number,
): Walked {
  const e = m.exports;
  e.simReset();
  const size = m.constant("NVME_SGL_DESC_BYTES");
  for (const page of pages) {
    const ptr = e.arenaAlloc(pageBytes, 16);
    if (ptr === 0 || e.physmemMap(page.addr, ptr, BigInt(pageBytes)) < 0)
      throw new Error(`cannot map SGL page 0x${page.addr.toString(16)}`);
    page.descs
      .slice(0, pageBytes / size)
      .forEach((d, k) => e.nvmeSglDescWrite(ptr + k * size, d.addr, d.length, d.type, d.subtype));
  }
  const dptr = e.scratchPtr();
  e.nvmeSglDescWrite(dptr, desc1.addr, desc1.length, desc1.type, desc1.subtype);
  const out = e.dmaListCreate(maxDescriptors);
  if (out === 0) throw new Error(`out of memory for a ${maxDescriptors}-entry DMA list`);
  const statusWord = e.nvmeMapSgl(dptr, lenBytes, maxBytes, out);
  return { statusWord, status: decodeStatus(m, statusWord), pieces: readPieces(m, out) };
}
