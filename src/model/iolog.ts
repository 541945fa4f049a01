// fio's I/O logs as read_iolog reads them (fio 3.33's iolog.c). Version 3
// (what write_iolog writes): "USEC FILE ACTION [OFFSET LENGTH]", each I/O
// issued its logged gap after the one before (the gap to the line before it,
// file actions included; none while that line's time is 0). Version 2: "FILE
// ACTION [OFFSET LENGTH]", as fast as the job goes, a "wait MS" line holding
// the next I/O until MS after the start. Every file the log names is the
// simulated namespace (as fio's replay_redirect makes them one). Read in
// fio-3.33's iolog.c: read_iolog, delay_since_ttime, iolog_delay,
// read_iolog_get. Writing one is src/fio/iolog.ts's.

/** One I/O of a log, and when it may be issued. */
export interface IologEntry {
  offset: number;
  length: number;
  write: boolean;
  /** µs after the previous I/O's issue (version 3), before replay_time_scale. */
  delayUs: number;
  /** Not before this many ms after the start (version 2's wait), or 0. */
  notBeforeMs: number;
  /** Its line, for messages. */
  line: number;
}

/** A log nvmesim cannot replay: where, and why. */
export class IologError extends Error {}

export const VERSION2 = "fio version 2 iolog";
export const VERSION3 = "fio version 3 iolog";
/** blktrace's magic, in a binary trace's first word (blktrace_api.h's BLK_IO_TRACE_MAGIC). */
const BLKTRACE_MAGIC = 0x65617400;

/** Whether `bytes` start as a blktrace binary does (either byte order, as fio's is_blktrace checks). */
export function isBlktrace(bytes: Uint8Array): boolean {
  if (bytes.length < 4) return false;
  const v = new DataView(bytes.buffer, bytes.byteOffset, 4);
  return (
    (v.getUint32(0, true) & 0xffffff00) >>> 0 === BLKTRACE_MAGIC ||
    (v.getUint32(0, false) & 0xffffff00) >>> 0 === BLKTRACE_MAGIC
  );
}

/** The I/Os of a version 2 or 3 log's text; `source` names it in messages. Throws IologError. */
export function parseIolog(text: string, source: string): IologEntry[] {
  const lines = text.split(/\r?\n/);
  const version = lines[0].startsWith(VERSION3) ? 3 : lines[0].startsWith(VERSION2) ? 2 : 0;
  if (!version)
    throw new IologError(
      `${source}:1: not a fio iolog (it starts '${VERSION2}' or '${VERSION3}'; fio 3.33 reads no version 1 either)`,
    );
  const entries: IologEntry[] = [];
  let lastTime = 0;
  let waitMs = 0;
  for (let i = 1; i < lines.length; i++) {
    const at = `${source}:${i + 1}`;
    const words = lines[i].trim().split(/\s+/).filter(Boolean);
    // a blank line, or the version line of a log appended to this one (fio's write_iolog appends)
    if (words.length === 0 || lines[i].startsWith(VERSION2) || lines[i].startsWith(VERSION3)) continue;
    let delayUs = 0;
    if (version === 3) {
      if (!/^\d+$/.test(words[0])) throw new IologError(`${at}: '${words[0]}' is not a time in µs`);
      const time = Number(words.shift());
      delayUs = lastTime === 0 || time < lastTime ? 0 : time - lastTime;
      lastTime = time;
    }
    const [, action, offsetText, lengthText] = words;
    if (action === "add" || action === "open" || action === "close") continue;
    if (action === "wait") {
      // version 3 has none: fio says so and goes on
      if (version === 2) waitMs = Math.max(waitMs, Number(offsetText ?? 0));
      continue;
    }
    if (action === "trim" || action === "sync" || action === "datasync")
      throw new IologError(`${at}: ${action} is not modelled: nvmesim replays a log's reads and writes`);
    if (action !== "read" && action !== "write")
      throw new IologError(
        `${at}: '${action ?? ""}' is not an action of fio's iolog (add, open, close, read, write, trim, sync, datasync, wait)`,
      );
    if (!/^\d+$/.test(offsetText ?? "") || !/^\d+$/.test(lengthText ?? ""))
      throw new IologError(`${at}: a ${action} needs an offset and a length in bytes`);
    const offset = Number(offsetText);
    const length = Number(lengthText);
    if (length === 0 || offset % 512 !== 0 || length % 512 !== 0)
      throw new IologError(`${at}: ${action} ${offset} ${length}: offsets and lengths are whole 512-byte sectors`);
    entries.push({ offset, length, write: action === "write", delayUs, notBeforeMs: waitMs, line: i + 1 });
  }
  if (entries.length === 0) throw new IologError(`${source}: no read or write to replay`);
  return entries;
}

/** What is wrong with a log's text, or undefined. */
export function iologError(text: string): string | undefined {
  try {
    parseIolog(text, "line");
    return undefined;
  } catch (err) {
    if (err instanceof IologError) return err.message;
    throw err;
  }
}
