// PRPs in the reference model. Build: list every data page of the transfer
// first, then lay the list out (NVMe Base 2.0 4.1.1; Linux nvme_setup_prps).
// Walk: read the list back as the specification describes a controller does.
import { generic, OK, SC, type RefStatus } from "./status";

export interface RefSegment {
  addr: number;
  len: number;
}

export interface RefListPage {
  addr: number;
  entries: number[];
}

export type RefBuild =
  | { ok: true; prp1: number; prp2: number; listPages: RefListPage[]; pages: number[] }
  | { ok: false; error: string; segment: number };

/** The pages a transfer touches: the first with its offset, then page-aligned ones. */
export function refDataPages(segs: readonly RefSegment[], pageBytes: number): number[] {
  const pages: number[] = [];
  for (const s of segs) {
    const end = s.addr + s.len;
    pages.push(pages.length === 0 ? s.addr : s.addr - (s.addr % pageBytes));
    for (let p = s.addr - (s.addr % pageBytes) + pageBytes; p < end; p += pageBytes) pages.push(p);
  }
  return pages;
}

export function refCheckSegments(
  segs: readonly RefSegment[],
  pageBytes: number,
  maxBytes: number,
): RefBuild | undefined {
  if (segs.length === 0) return { ok: false, error: "no-segments", segment: 0 };
  let total = 0;
  for (let i = 0; i < segs.length; i++) {
    const { addr, len } = segs[i];
    let error = "";
    if (len === 0) error = "segment-empty";
    else if (i === 0 && addr % 4 !== 0) error = "prp1-align";
    else if (i > 0 && addr % pageBytes !== 0) error = "segment-start";
    else if (i < segs.length - 1 && (addr + len) % pageBytes !== 0) error = "segment-end";
    else if ((total += len) > maxBytes) error = "too-long";
    if (error) return { ok: false, error, segment: i };
  }
  return undefined;
}

/** A list page allocator handing out pages from `listBase` one page apart. */
export function consecutivePages(listBase: number, pageBytes: number): () => number {
  let next = listBase;
  return () => {
    const addr = next;
    next += pageBytes;
    return addr;
  };
}

/** Builds PRPs; list pages come from `allocPage` in the order they fill. */
export function refBuildPrps(
  segs: readonly RefSegment[],
  pageBytes: number,
  maxBytes: number,
  allocPage: () => number,
): RefBuild {
  const bad = refCheckSegments(segs, pageBytes, maxBytes);
  if (bad) return bad;
  const pages = refDataPages(segs, pageBytes);
  const rest = pages.slice(1);
  if (rest.length <= 1) return { ok: true, prp1: pages[0], prp2: rest[0] ?? 0, listPages: [], pages };
  const perPage = pageBytes / 8;
  const listPages: RefListPage[] = [{ addr: allocPage(), entries: [] }];
  for (let i = 0; i < rest.length; i++) {
    let page = listPages[listPages.length - 1];
    if (page.entries.length === perPage - 1 && rest.length - i >= 2) {
      // The last slot of a full page points to the next page.
      const next: RefListPage = { addr: allocPage(), entries: [] };
      page.entries.push(next.addr);
      listPages.push(next);
      page = next;
    }
    page.entries.push(rest[i]);
  }
  return { ok: true, prp1: pages[0], prp2: listPages[0].addr, listPages, pages };
}

export interface RefPiece {
  addr: number;
  len: number;
}

export interface RefWalk {
  status: RefStatus;
  pieces: RefPiece[];
}

function fail(sc: number, dnr: boolean): RefWalk {
  return { status: generic(sc, dnr), pieces: [] };
}

/** What a controller reads for PRP1/PRP2; `readPage` gives a host page's u64 slots or undefined when unbacked. */
export function refWalkPrps(
  prp1: number,
  prp2: number,
  len: number,
  pageBytes: number,
  maxBytes: number,
  readPage: (pageAddr: number) => readonly number[] | undefined,
): RefWalk {
  const pieces: RefPiece[] = [];
  if (len > maxBytes) return fail(SC.invalidField, true);
  if (len === 0) return { status: OK, pieces };
  if (prp1 % 4 !== 0) return fail(SC.prpOffsetInvalid, true);
  const firstLen = Math.min(len, pageBytes - (prp1 % pageBytes));
  pieces.push({ addr: prp1, len: firstLen });
  let remaining = len - firstLen;
  if (remaining === 0) return { status: OK, pieces };
  if (remaining <= pageBytes) {
    if (prp2 % pageBytes !== 0) return fail(SC.prpOffsetInvalid, true);
    pieces.push({ addr: prp2, len: remaining });
    return { status: OK, pieces };
  }
  if (prp2 % 8 !== 0) return fail(SC.prpOffsetInvalid, true);
  let pageAddr = prp2 - (prp2 % pageBytes);
  let slot = (prp2 % pageBytes) / 8;
  const perPage = pageBytes / 8;
  for (;;) {
    const page = readPage(pageAddr);
    if (!page) return fail(SC.dataTransferError, false);
    for (; slot < perPage && remaining > 0; slot++) {
      const entry = page[slot] ?? 0;
      if (entry % pageBytes !== 0) return fail(SC.prpOffsetInvalid, true);
      if (slot === perPage - 1 && remaining > pageBytes) {
        pageAddr = entry; // chain pointer
        break;
      }
      const n = Math.min(remaining, pageBytes);
      pieces.push({ addr: entry, len: n });
      remaining -= n;
    }
    if (remaining === 0) return { status: OK, pieces };
    slot = 0;
  }
}
