// fio's write_iolog, as fio 3.33 writes it (iolog.c log_io_u, log_file):
// version 3, "USEC FILE ACTION [OFFSET LENGTH]" at each I/O's issue, the
// file's add and open first and its close last. Reading one is
// src/model/iolog.ts's.
import { VERSION3 } from "../model/iolog";

/** One issued I/O, for write_iolog. */
export interface IssuedIo {
  issuedNs: number;
  offset: number;
  length: number;
  write: boolean;
}

/** A version 3 log of `ios` (in issue order) against `file`, as fio's write_iolog writes one job's. */
export function iologText(ios: readonly IssuedIo[], file: string, endNs: number): string {
  const us = (ns: number) => Math.floor(ns / 1000);
  const lines = [VERSION3, `0 ${file} add`, `0 ${file} open`];
  for (const io of ios)
    lines.push(`${us(io.issuedNs)} ${file} ${io.write ? "write" : "read"} ${io.offset} ${io.length}`);
  lines.push(`${us(endNs)} ${file} close`);
  return lines.join("\n") + "\n";
}
