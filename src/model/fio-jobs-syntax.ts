// fio's bssplit syntax, as options.c's bssplit_ddir reads it: entries
// SIZE/PERCENT joined by ':', one list per direction joined by ',' (reads,
// writes; one list is both). An entry without a percentage shares what the
// others leave, equally; percentages above 100 in all are refused. And
// fio's CPU lists (cpus_allowed): numbers and ranges joined by ','.

/** One block size and its share, percent. */
export interface SplitEntry {
  bs: number;
  percent: number;
}

const UNITS: Record<string, number> = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

function sizeOf(text: string): number | undefined {
  const m = /^(\d+)([kmg]?)(i?b)?$/i.exec(text.trim());
  return m ? Number(m[1]) * UNITS[m[2].toLowerCase()] : undefined;
}

/** One direction's list; throws an Error naming the entry. */
function direction(list: string): SplitEntry[] {
  const entries = list.split(":").map((e) => {
    const [bsText, percentText, extra] = e.split("/");
    const bs = sizeOf(bsText ?? "");
    if (bs === undefined || bs === 0 || extra !== undefined) throw new Error(`'${e}' is not SIZE or SIZE/PERCENT`);
    if (percentText === undefined || percentText === "") return { bs, percent: -1 };
    if (!/^\d+$/.test(percentText)) throw new Error(`'${e}': the percentage is not a whole number`);
    return { bs, percent: Number(percentText) };
  });
  const given = entries.filter((e) => e.percent >= 0).reduce((s, e) => s + e.percent, 0);
  const missing = entries.filter((e) => e.percent < 0).length;
  if (given > 100) throw new Error(`the percentages add up to ${given}, more than 100`);
  const share = missing === 1 && entries.length === 1 ? 100 : Math.floor((100 - given) / Math.max(1, missing));
  const out = entries.map((e) => ({ bs: e.bs, percent: e.percent < 0 ? share : e.percent }));
  if (out.every((e) => e.percent === 0)) throw new Error("every share is 0%");
  return out;
}

/** The read and write splits of a bssplit text (a direction left empty keeps bs); throws an Error saying what is wrong. */
export function parseBssplit(text: string): { read?: SplitEntry[]; write?: SplitEntry[] } {
  const lists = text.split(",");
  if (lists.length > 3) throw new Error("at most three lists (reads, writes, trims)");
  const read = lists[0] === "" ? undefined : direction(lists[0]);
  const write = lists.length === 1 ? read : lists[1] === "" ? undefined : direction(lists[1]);
  if (!read && !write) throw new Error("no list of sizes");
  return { read, write };
}

/** What is wrong with a bssplit text, or undefined. */
export function bssplitError(text: string): string | undefined {
  try {
    parseBssplit(text);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/** The CPUs of a list such as 0-3,6 (ascending, each once); throws an Error naming the part. */
export function parseCpuList(text: string): number[] {
  const cpus = new Set<number>();
  for (const part of text.split(",")) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) throw new Error(`'${part}' is not a CPU or a range of CPUs`);
    const [lo, hi] = [Number(m[1]), Number(m[2] ?? m[1])];
    if (hi < lo || hi > 4095) throw new Error(`'${part}' is not a range of CPUs 0..4095`);
    for (let c = lo; c <= hi; c++) cpus.add(c);
  }
  return [...cpus].sort((a, b) => a - b);
}

/** What is wrong with a CPU list, or undefined. */
export function cpuListError(text: string): string | undefined {
  try {
    parseCpuList(text);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/** One zone of fio's random_distribution: its share of the accesses (percent) and of the region (percent, for
 * zoned) or its bytes (zoned_abs). */
export interface Zone {
  access: number;
  size: number;
}

const SIZE_UNITS: Record<string, number> = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/**
 * The zones of a random_distribution (none for random) and whether their sizes are bytes (zoned_abs); a zone
 * with no size takes what the others leave. Throws an Error saying what is wrong.
 */
export function parseDistribution(text: string): { zones: Zone[]; absolute: boolean } {
  if (text === "random") return { zones: [], absolute: false };
  const m = /^(zoned|zoned_abs):([^,]+)(?:,(.*))?$/.exec(text);
  if (!m)
    throw new Error(
      "nvmesim models random (uniform), zoned:ACCESS/SIZE%:... and zoned_abs:ACCESS/BYTES:..., not other distributions",
    );
  if (m[3] !== undefined && m[3] !== m[2])
    throw new Error("a list of zones per direction is not modelled (one list for all)");
  const absolute = m[1] === "zoned_abs";
  const zones = m[2].split(":").map((z) => {
    const p = /^(\d+)\/(?:(\d+)([kmgt]?))?$/i.exec(z);
    if (!p) throw new Error(`'${z}' is not ACCESS/${absolute ? "BYTES" : "SIZE%"}`);
    return { access: Number(p[1]), size: p[2] === undefined ? -1 : Number(p[2]) * SIZE_UNITS[p[3].toLowerCase()] };
  });
  const access = zones.reduce((s, z) => s + z.access, 0);
  if (access !== 100) throw new Error(`the accesses add up to ${access}%, not 100%`);
  const rest = zones.filter((z) => z.size < 0);
  if (rest.length > 1) throw new Error("one zone at most may leave its size out");
  if (!absolute) {
    const size = zones.reduce((s, z) => s + Math.max(0, z.size), 0);
    if (size > 100) throw new Error(`the zones' sizes add up to ${size}%, more than 100%`);
    for (const z of rest) z.size = 100 - size;
  }
  if (zones.some((z) => z.size === 0)) throw new Error("a zone of size 0");
  return { zones, absolute };
}

/** What is wrong with a random_distribution, or undefined. */
export function distributionError(text: string): string | undefined {
  try {
    parseDistribution(text);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}
