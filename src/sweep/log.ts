// A sweep's record log: one JSON line per finished point, appended as points
// finish, so a crash or Ctrl-C loses nothing finished. A kill in the middle
// of a write can leave a torn last line; reading the log finds it, and the
// run cuts it off and does that point again. Every line starts with
// {"point":N, so the index is read without parsing whole results.
import { closeSync, existsSync, openSync, readSync, truncateSync, writeSync } from "node:fs";
import type { Scalar } from "./spec";

/** One finished point: its result, or the error that stopped it. */
export interface PointRecord {
  point: number;
  values: Record<string, Scalar>;
  seed: string;
  result?: unknown;
  error?: string;
}

/** Where a record sits in a log file. */
export interface RecordSpot {
  file: string;
  offset: number;
  length: number;
}

export interface LogScan {
  /** The first record of each point, by point index. */
  records: Map<number, RecordSpot>;
  /** Bytes of whole records; anything after is a torn record. */
  goodBytes: number;
  torn: boolean;
}

/** The line a record is stored as (without its newline); `resultJson` is the result's JSON text as a worker made it. */
export function recordLine(
  head: Omit<PointRecord, "result" | "error">,
  outcome: { resultJson: string } | { error: string },
): string {
  const start = `{"point":${head.point},"values":${JSON.stringify(head.values)},"seed":${JSON.stringify(head.seed)}`;
  return "resultJson" in outcome
    ? `${start},"result":${outcome.resultJson}}`
    : `${start},"error":${JSON.stringify(outcome.error)}}`;
}

const POINT = /^\{"point":(\d+),/;

/** Reads a log's record positions, streaming (the file may be larger than memory). */
export function scanLog(file: string): LogScan {
  const records = new Map<number, RecordSpot>();
  if (!existsSync(file)) return { records, goodBytes: 0, torn: false };
  const fd = openSync(file, "r");
  const chunk = Buffer.alloc(1 << 20);
  let pos = 0; // bytes read so far
  let carry = Buffer.alloc(0); // an unfinished line
  let carryAt = 0; // its file offset
  let goodBytes = 0;
  let torn = false;
  try {
    for (let n = readSync(fd, chunk, 0, chunk.length, pos); n > 0; n = readSync(fd, chunk, 0, chunk.length, pos)) {
      pos += n;
      const buf = Buffer.concat([carry, chunk.subarray(0, n)]);
      let start = 0;
      for (let nl = buf.indexOf(10); nl >= 0; nl = buf.indexOf(10, start)) {
        const m = POINT.exec(buf.toString("latin1", start, Math.min(nl, start + 24)));
        if (!m || buf[nl - 1] !== 0x7d) return { records, goodBytes, torn: true }; // not a whole record: nothing after it counts
        const point = Number(m[1]);
        if (!records.has(point)) records.set(point, { file, offset: carryAt + start, length: nl - start });
        goodBytes = carryAt + nl + 1;
        start = nl + 1;
      }
      carry = buf.subarray(start);
      carryAt += start;
    }
    torn = carry.length > 0; // the last record has no newline: cut short
  } finally {
    closeSync(fd);
  }
  return { records, goodBytes, torn };
}

/** Reads one record's line. */
export function readRecordLine(spot: RecordSpot, fd: number): string {
  const buf = Buffer.alloc(spot.length);
  readSync(fd, buf, 0, spot.length, spot.offset);
  return buf.toString("utf8");
}

/** An open log to append records to. */
export class LogWriter {
  private readonly fd: number;

  /** Opens `file` for appending after cutting off a torn tail at `goodBytes`. */
  constructor(file: string, goodBytes: number) {
    if (existsSync(file)) truncateSync(file, goodBytes);
    this.fd = openSync(file, "a");
  }

  /** Appends one record in one write call. */
  append(head: Omit<PointRecord, "result" | "error">, outcome: { resultJson: string } | { error: string }): void {
    writeSync(this.fd, recordLine(head, outcome) + "\n");
  }

  close(): void {
    closeSync(this.fd);
  }
}
