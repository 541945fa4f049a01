// nvmesim cqe: encode a 16-byte Completion Queue Entry from its fields, or
// decode one, naming the status code.
import { decodeCqe, encodeCqe, type DecodedCqe } from "../wasm/cqe";
import { loadNvmesim } from "../wasm/node";
import { boolFlag, intFlag, parseFlags, parseHexBytes, rejectFlags, type FlagSpec } from "./args";
import type { Io } from "./io";
import { fieldTable, hexdump, hexString, toJson } from "./wire-text";

const FLAGS: FlagSpec = {
  decode: { type: "string" },
  dw0: { type: "string" },
  dw1: { type: "string" },
  sqhd: { type: "string" },
  sqid: { type: "string" },
  cid: { type: "string" },
  phase: { type: "string" },
  sct: { type: "string" },
  sc: { type: "string" },
  crd: { type: "string" },
  more: { type: "boolean" },
  dnr: { type: "boolean" },
  json: { type: "boolean" },
  help: { type: "boolean" },
};

const HELP = `usage: nvmesim cqe --cid N --sqid N --sqhd N --phase 0|1 --sct N --sc N [--crd N] [--more] [--dnr]
                   [--dw0 N] [--dw1 N] [--json]
       nvmesim cqe --decode HEX [--json]
`;

export async function cqe(argv: string[], io: Io): Promise<number> {
  const parsed = parseFlags(argv, FLAGS);
  if (boolFlag(parsed, "help")) {
    io.stdout(HELP);
    return 0;
  }
  const m = await loadNvmesim();
  let bytes: Uint8Array;
  if (parsed.values.decode !== undefined) {
    rejectFlags(
      parsed,
      Object.keys(FLAGS).filter((f) => f !== "decode" && f !== "json"),
      "cannot be combined with --decode",
    );
    bytes = parseHexBytes("decode", String(parsed.values.decode), m.constant("NVME_CQE_BYTES"));
  } else {
    bytes = encodeCqe(m, {
      dw0: intFlag(parsed, "dw0", 0, 0xffffffff, 0),
      dw1: intFlag(parsed, "dw1", 0, 0xffffffff, 0),
      sqhd: intFlag(parsed, "sqhd", 0, 0xffff, 0),
      sqid: intFlag(parsed, "sqid", 0, 0xffff, 0),
      cid: intFlag(parsed, "cid", 0, 0xffff, 0),
      phase: intFlag(parsed, "phase", 0, 1, 1),
      sct: intFlag(parsed, "sct", 0, 7, 0),
      sc: intFlag(parsed, "sc", 0, 0xff, 0),
      crd: intFlag(parsed, "crd", 0, 3, 0),
      more: boolFlag(parsed, "more"),
      dnr: boolFlag(parsed, "dnr"),
    });
  }
  const d = decodeCqe(m, bytes);
  io.stdout(boolFlag(parsed, "json") ? toJson({ hex: hexString(bytes), ...d }) + "\n" : cqeText(bytes, d));
  return 0;
}

function cqeText(bytes: Uint8Array, d: DecodedCqe): string {
  const s = d.status;
  return `CQE: ${s.name}, ${bytes.length} bytes\n${hexdump(bytes)}\n${fieldTable([
    { name: "dw0", value: d.dw0 },
    { name: "dw1", value: d.dw1 },
    { name: "sqhd", value: d.sqhd },
    { name: "sqid", value: d.sqid },
    { name: "cid", value: d.cid },
    { name: "status", value: d.statusWord },
    { name: "phase", value: s.phase },
    { name: "sc", value: s.sc, note: s.name },
    { name: "sct", value: s.sct },
    { name: "crd", value: s.crd },
    { name: "more", value: s.more },
    { name: "dnr", value: s.dnr },
  ])}`;
}
