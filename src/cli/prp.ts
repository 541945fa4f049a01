// nvmesim prp: the PRPs a host builds for a scatter list (as Linux
// nvme_setup_prps), or with --walk the controller's view of PRP1/PRP2.
import { readFileSync } from "node:fs";
import {
  buildPrps,
  DataPointerError,
  PAGE_SIZE_MAX,
  PAGE_SIZE_MIN,
  walkPrps,
  type BuiltPrps,
  type ListPage,
  type Segment,
  type Walked,
} from "../wasm/data-pointer";
import { loadNvmesim } from "../wasm/node";
import {
  boolFlag,
  parseFlags,
  parseInteger,
  rejectFlags,
  u64Flag,
  UsageError,
  type FlagSpec,
  type Parsed,
} from "./args";
import type { Io } from "./io";
import { hex64, toJson } from "./wire-text";

const FLAGS: FlagSpec = {
  seg: { type: "string", multiple: true },
  "page-size": { type: "string" },
  "list-base": { type: "string" },
  "max-bytes": { type: "string" },
  walk: { type: "boolean" },
  prp1: { type: "string" },
  prp2: { type: "string" },
  len: { type: "string" },
  list: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean" },
};

const HELP = `usage: nvmesim prp --seg ADDR:LEN [--seg ADDR:LEN ...] [--page-size N] [--list-base ADDR] [--max-bytes N] [--json]
       nvmesim prp --walk --prp1 A --prp2 A --len N [--list FILE] [--page-size N] [--max-bytes N] [--json]
Defaults: --page-size 4096 (4096 * 2^MPS, up to 2^27), --list-base 0x10000000, --max-bytes 8388608 (8 MiB).
--list FILE is JSON with "listPages": [{"addr": "0x...", "entries": ["0x...", ...]}], e.g. the output of --json.
`;

const DEFAULT_LIST_BASE = 0x10000000n;
const DEFAULT_MAX_BYTES = 8n << 20n;
const MAX_BYTES_LIMIT = 1n << 32n;

export async function prp(argv: string[], io: Io): Promise<number> {
  const parsed = parseFlags(argv, FLAGS);
  if (boolFlag(parsed, "help")) {
    io.stdout(HELP);
    return 0;
  }
  const pageBytes = pageSizeFlag(parsed);
  const maxBytes =
    parsed.values["max-bytes"] === undefined
      ? DEFAULT_MAX_BYTES
      : parseInteger("max-bytes", String(parsed.values["max-bytes"]), 1n, MAX_BYTES_LIMIT);
  const json = boolFlag(parsed, "json");
  const m = await loadNvmesim();
  if (boolFlag(parsed, "walk")) {
    rejectFlags(parsed, ["seg", "list-base"], "is for building; --walk reads --prp1, --prp2, --len and --list");
    for (const flag of ["prp1", "prp2", "len"]) {
      if (parsed.values[flag] === undefined) throw new UsageError(`--walk needs --${flag}`);
    }
    const lenBytes = parseInteger("len", String(parsed.values.len), 0n, MAX_BYTES_LIMIT);
    const pages = parsed.values.list === undefined ? [] : readListFile(String(parsed.values.list), pageBytes);
    const walked = walkPrps(
      m,
      u64Flag(parsed, "prp1", 0n),
      u64Flag(parsed, "prp2", 0n),
      lenBytes,
      pageBytes,
      maxBytes,
      pages,
    );
    io.stdout(json ? walkJson(walked) : walkText(walked));
    return 0;
  }
  rejectFlags(parsed, ["prp1", "prp2", "len", "list"], "needs --walk");
  const texts = (parsed.values.seg as string[] | undefined) ?? [];
  if (texts.length === 0) throw new UsageError("give at least one --seg ADDR:LEN (or --walk)");
  const segments = texts.map(parseSegment);
  const listBase = u64Flag(parsed, "list-base", DEFAULT_LIST_BASE);
  if (listBase % BigInt(pageBytes) !== 0n) {
    throw new UsageError(
      `invalid --list-base '${parsed.values["list-base"]}': must be a multiple of the page size ${pageBytes}`,
    );
  }
  let built: BuiltPrps;
  try {
    built = buildPrps(m, segments, pageBytes, maxBytes, listBase);
  } catch (err) {
    if (err instanceof DataPointerError) {
      const seg = err.segment < texts.length ? ` (--seg '${texts[err.segment]}')` : "";
      throw new UsageError(`${err.message}${seg}`);
    }
    throw err;
  }
  io.stdout(json ? buildJson(built) : buildText(built, pageBytes));
  return 0;
}

function pageSizeFlag(parsed: Parsed): number {
  const text = parsed.values["page-size"];
  if (text === undefined) return PAGE_SIZE_MIN;
  const ok = /^(0x[0-9a-f]+|[0-9]+)$/i.test(String(text)) ? Number(BigInt(String(text))) : NaN;
  if (!(ok >= PAGE_SIZE_MIN && ok <= PAGE_SIZE_MAX && (ok & (ok - 1)) === 0)) {
    throw new UsageError(
      `invalid --page-size '${text}': must be a power of two from ${PAGE_SIZE_MIN} to ${PAGE_SIZE_MAX} (4096 * 2^MPS)`,
    );
  }
  return ok;
}

function parseSegment(text: string): Segment {
  const parts = text.split(":");
  const number = /^(0x[0-9a-f]+|[0-9]+)$/i;
  const fail = (what: string): never => {
    throw new UsageError(`invalid --seg '${text}': ${what}`);
  };
  if (parts.length !== 2 || !number.test(parts[0]) || !number.test(parts[1])) {
    return fail("must be ADDR:LEN, each decimal or 0x hex (e.g. 0x100000:4096)");
  }
  const addr = BigInt(parts[0]);
  const len = BigInt(parts[1]);
  if (addr >= 1n << 64n) fail("the address must be below 2^64");
  if (len < 1n || len > 0xffffffffn) fail("the length must be 1..4294967295 bytes");
  return { addr, len: Number(len) };
}

/** Reads list pages from JSON, naming the JSON path of anything wrong. */
function readListFile(path: string, pageBytes: number): ListPage[] {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new UsageError(`invalid --list '${path}': ${(err as Error).message}`);
  }
  const fail = (where: string, what: string): never => {
    throw new UsageError(`invalid --list '${path}': ${where}: ${what}`);
  };
  const hexValue = (v: unknown, where: string): bigint => {
    if (typeof v !== "string" || !/^0x[0-9a-f]{1,16}$/i.test(v))
      return fail(where, `${JSON.stringify(v)} is not a 0x hex string of at most 64 bits`);
    return BigInt(v);
  };
  const pages = (doc as { listPages?: unknown })?.listPages;
  if (!Array.isArray(pages)) return fail("listPages", "missing or not an array");
  return pages.map((page: unknown, i): ListPage => {
    const where = `listPages[${i}]`;
    const p = page as { addr?: unknown; entries?: unknown };
    const addr = hexValue(p?.addr, `${where}.addr`);
    if (addr % BigInt(pageBytes) !== 0n)
      fail(`${where}.addr`, `${hex64(addr)} is not aligned to the page size ${pageBytes}`);
    if (!Array.isArray(p.entries)) return fail(`${where}.entries`, "missing or not an array");
    if (p.entries.length > pageBytes / 8)
      fail(`${where}.entries`, `${p.entries.length} entries exceed the ${pageBytes / 8} slots of a page`);
    return { addr, entries: p.entries.map((e: unknown, k: number) => hexValue(e, `${where}.entries[${k}]`)) };
  });
}

function buildJson(b: BuiltPrps): string {
  return toJson({ prp1: b.prp1, prp2: b.prp2, listPages: b.listPages }) + "\n";
}

function buildText(b: BuiltPrps, pageBytes: number): string {
  const mask = BigInt(pageBytes - 1);
  const prp2Role = b.listPages.length > 0 ? "PRP list pointer" : b.dataPages === 2 ? "second data page" : "unused";
  const lines = [
    `PRP1  ${hex64(b.prp1)}  first data page, offset ${hex64(b.prp1 & mask)}`,
    `PRP2  ${hex64(b.prp2)}  ${prp2Role}`,
  ];
  const width = String(pageBytes / 8).length;
  b.listPages.forEach((page, i) => {
    const chains = i < b.listPages.length - 1;
    lines.push(
      `list page ${i} at ${hex64(page.addr)}: ${page.entries.length - (chains ? 1 : 0)} data entries${chains ? " + chain" : ""}`,
    );
    page.entries.forEach((entry, k) => {
      const note = chains && k === page.entries.length - 1 ? "  -> next list page" : "";
      lines.push(`  [${String(k).padStart(width)}] ${hex64(entry)}${note}`);
    });
  });
  lines.push(
    `${b.dataPages} data page${b.dataPages === 1 ? "" : "s"}, ${b.listPages.length} list page${b.listPages.length === 1 ? "" : "s"}`,
  );
  return lines.join("\n") + "\n";
}

function walkJson(w: Walked): string {
  const s = w.status;
  return (
    toJson({
      status: { word: w.statusWord, sct: s.sct, sc: s.sc, dnr: s.dnr, name: s.name },
      pages: w.pieces.map((p) => ({ addr: p.addr, len: p.len })),
    }) + "\n"
  );
}

function walkText(w: Walked): string {
  const s = w.status;
  const head = `status: ${s.name} (SCT ${s.sct}, SC 0x${s.sc.toString(16).padStart(2, "0")}${s.dnr ? ", DNR" : ""})`;
  if (w.statusWord !== 0) return head + "\n";
  const total = w.pieces.reduce((n, p) => n + p.len, 0);
  const lines = w.pieces.map((p, i) => `  [${i}] ${hex64(p.addr)}  ${p.len} bytes`);
  return (
    [head, `${w.pieces.length} data page${w.pieces.length === 1 ? "" : "s"}, ${total} bytes:`, ...lines].join("\n") +
    "\n"
  );
}
