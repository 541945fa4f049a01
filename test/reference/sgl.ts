// SGLs in the reference model (NVMe Base 2.0 4.1.2; Linux nvme_pci_setup_sgls).
// Descriptors are objects here; `refSglBytes` lays one out as 16 wire bytes.
import { generic, OK, SC, type RefStatus } from "./status";
import type { RefPiece, RefSegment } from "./prp";

export const SGL_DATA_BLOCK = 0;
export const SGL_BIT_BUCKET = 1;
export const SGL_SEGMENT = 2;
export const SGL_LAST_SEGMENT = 3;

export interface RefSglDesc {
  addr: number;
  length: number;
  type: number;
  subtype: number;
}

export interface RefSglPage {
  addr: number;
  descs: RefSglDesc[];
}

export type RefSglBuild =
  { ok: true; desc1: RefSglDesc; pages: RefSglPage[] } | { ok: false; error: string; segment: number };

export function refSglBytes(d: RefSglDesc): Uint8Array {
  const bytes = new Uint8Array(16);
  const v = new DataView(bytes.buffer);
  v.setUint32(0, d.addr % 2 ** 32, true);
  v.setUint32(4, Math.floor(d.addr / 2 ** 32), true);
  v.setUint32(8, d.length, true);
  v.setUint8(15, (d.type << 4) | d.subtype);
  return bytes;
}

export function refBuildSgls(
  segs: readonly RefSegment[],
  pageBytes: number,
  maxBytes: number,
  listBase: number,
): RefSglBuild {
  if (segs.length === 0) return { ok: false, error: "no-segments", segment: 0 };
  let total = 0;
  for (let i = 0; i < segs.length; i++) {
    if (segs[i].len === 0) return { ok: false, error: "segment-empty", segment: i };
    total += segs[i].len;
    if (total > maxBytes) return { ok: false, error: "too-long", segment: i };
  }
  const data = segs.map((s): RefSglDesc => ({ addr: s.addr, length: s.len, type: SGL_DATA_BLOCK, subtype: 0 }));
  if (data.length === 1) return { ok: true, desc1: data[0], pages: [] };
  const perPage = pageBytes / 16;
  const pointer = (addr: number, left: number): RefSglDesc =>
    left <= perPage
      ? { addr, length: left * 16, type: SGL_LAST_SEGMENT, subtype: 0 }
      : { addr, length: perPage * 16, type: SGL_SEGMENT, subtype: 0 };
  const pages: RefSglPage[] = [];
  let next = 0;
  while (next < data.length) {
    const addr = listBase + pages.length * pageBytes;
    const left = data.length - next;
    if (left <= perPage) {
      pages.push({ addr, descs: data.slice(next) });
      break;
    }
    const take = perPage - 1;
    pages.push({ addr, descs: [...data.slice(next, next + take), pointer(addr + pageBytes, left - take)] });
    next += take;
  }
  return { ok: true, desc1: pointer(listBase, data.length), pages };
}

export interface RefSglWalk {
  status: RefStatus;
  pieces: (RefPiece & { bitBucket: boolean })[];
}

/** A controller's walk; `readDescs(addr, count)` gives descriptors in host memory or undefined when unbacked. */
export function refWalkSgl(
  desc1: RefSglDesc,
  len: number,
  maxBytes: number,
  maxDescs: number,
  readDescs: (addr: number, count: number) => RefSglDesc[] | undefined,
): RefSglWalk {
  const fail = (sc: number, dnr = true): RefSglWalk => ({ status: generic(sc, dnr), pieces: [] });
  if (len > maxBytes) return fail(SC.invalidField);
  const pieces: RefSglWalk["pieces"] = [];
  let segment: RefSglDesc[] = [desc1];
  let isDesc1 = true;
  let inLast = false;
  let described = 0;
  for (let hops = 0; ;) {
    let pointer: RefSglDesc | undefined;
    for (let i = 0; i < segment.length; i++) {
      const d = segment[i];
      if (d.subtype !== 0) return fail(SC.sglInvalidType);
      if (d.type === SGL_SEGMENT || d.type === SGL_LAST_SEGMENT) {
        if (i !== segment.length - 1 || inLast) return fail(SC.sglInvalidSegment);
        pointer = d;
      } else if (d.type === SGL_DATA_BLOCK || d.type === SGL_BIT_BUCKET) {
        described += d.length;
        if (described > len) return fail(SC.sglInvalidDataLength);
        if (pieces.length === maxDescs) return fail(SC.sglInvalidCount);
        pieces.push({ addr: d.addr, len: d.length, bitBucket: d.type === SGL_BIT_BUCKET });
      } else {
        return fail(SC.sglInvalidType);
      }
    }
    if (!pointer) {
      // Only descriptor 1 or a Last Segment list may end the SGL.
      if (!isDesc1 && !inLast) return fail(SC.sglInvalidSegment);
      break;
    }
    if (pointer.length === 0 || pointer.length % 16 !== 0) return fail(SC.sglInvalidSegment);
    const next = readDescs(pointer.addr, pointer.length / 16);
    if (!next) return fail(SC.dataTransferError, false);
    if (++hops > maxDescs) return fail(SC.sglInvalidCount);
    inLast = pointer.type === SGL_LAST_SEGMENT;
    isDesc1 = false;
    segment = next;
  }
  if (described !== len) return fail(SC.sglInvalidDataLength);
  return { status: OK, pieces };
}
