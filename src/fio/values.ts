// fio's value syntax (parse.c, fio 3.33): sizes and integers with k/m/g/t/p
// suffixes in kb_base units (and fio's own twist: with the default kb_base
// 1024, "KiB" means 1000 and "k" 1024), times with us/ms/s/m/h/d suffixes
// (a bare runtime in seconds), and booleans. Where fio would quietly read
// something else than was written ("1.5k" as 1, "4x" as 4), nvmesim refuses
// the value and says what fio accepts.

/** A value fio would not take, or would take differently than it reads. */
export class FioValueError extends Error {}

const BYTE_POWERS: Record<string, number> = { k: 1, m: 2, g: 3, t: 4, p: 5 };
const TIME_US: Record<string, number> = {
  us: 1,
  usec: 1,
  ms: 1000,
  msec: 1000,
  s: 1e6,
  m: 60e6,
  h: 3600e6,
  d: 86400e6,
};

const NUMBER = /^\s*(0x[0-9a-f]+|\d+)\s*([a-z%]*)\s*$/i;

/** A byte count or an integer as fio reads it (check_str_bytes): 4k, 128K, 1g, 2MiB, 0x1000. */
export function fioBytes(option: string, text: string, kbBase: 1000 | 1024 = 1024): number {
  const m = NUMBER.exec(text);
  const bad = () =>
    new FioValueError(
      `${option}=${text}: not an integer with an optional unit (k, m, g, t, p, their "b" and "ib" forms, e.g. 4k, 1g)`,
    );
  if (!m) throw bad();
  const base = Number(m[1].toLowerCase().startsWith("0x") ? parseInt(m[1], 16) : m[1]);
  const unit = m[2].toLowerCase();
  if (unit === "" || unit === "b") return base;
  const u = /^([kmgtp])(b|ib)?$/.exec(unit);
  if (!u) throw bad();
  // fio: with kb_base 1024 the IEC "KiB" spelling means 1000; with kb_base 1000, 1024.
  const mult = u[2] === "ib" ? (kbBase === 1024 ? 1000 : 1024) : kbBase;
  const value = base * mult ** BYTE_POWERS[u[1]];
  if (!Number.isSafeInteger(value)) throw new FioValueError(`${option}=${text}: too large`);
  return value;
}

/** A time as fio reads it (check_str_time), in microseconds; a bare number is seconds when `bareSeconds`. */
export function fioTimeUs(option: string, text: string, bareSeconds: boolean): number {
  const m = NUMBER.exec(text);
  const unit = m?.[2].toLowerCase() ?? "";
  if (!m || (unit !== "" && !(unit in TIME_US)))
    throw new FioValueError(
      `${option}=${text}: not an integer time with an optional unit (us, ms, s, m, h, d; e.g. 30s)`,
    );
  const n = Number(m[1]);
  return n * (unit === "" ? (bareSeconds ? 1e6 : 1) : TIME_US[unit]);
}

/** A boolean as fio reads one (0 or 1; a flag given with no value is 1). */
export function fioBool(option: string, text: string | undefined): boolean {
  if (text === undefined || text === "1" || text === "true") return true;
  if (text === "0" || text === "false") return false;
  throw new FioValueError(`${option}=${text}: not a boolean (0 or 1)`);
}
