// nvmesim sqe: encode a Read/Write/Flush/Write Zeroes/Dataset Management entry,
// or decode 64 bytes, printing the bytes as hex and every field.
import { loadNvmesim } from "../wasm/node";
import { decodeSqe, encodeSqe, SQE_COMMANDS, type DecodedSqe, type SqeCommand } from "../wasm/sqe";
import { boolFlag, intFlag, parseFlags, parseHexBytes, rejectFlags, u64Flag, UsageError, type FlagSpec } from "./args";
import { fieldTable, hexdump, hexString, toJson } from "./wire-text";
import type { Io } from "./io";

const FLAGS: FlagSpec = {
  decode: { type: "string" },
  nsid: { type: "string" },
  cid: { type: "string" },
  slba: { type: "string" },
  blocks: { type: "string" },
  fua: { type: "boolean" },
  lr: { type: "boolean" },
  deac: { type: "boolean" },
  dsm: { type: "string" },
  dspec: { type: "string" },
  reftag: { type: "string" },
  apptag: { type: "string" },
  appmask: { type: "string" },
  prp1: { type: "string" },
  prp2: { type: "string" },
  ranges: { type: "string" },
  ad: { type: "boolean" },
  idr: { type: "boolean" },
  idw: { type: "boolean" },
  json: { type: "boolean" },
  help: { type: "boolean" },
};

// Flags each command takes beyond --nsid, --cid and --json.
const COMMAND_FLAGS: Record<SqeCommand, readonly string[]> = {
  read: ["slba", "blocks", "fua", "lr", "dsm", "reftag", "apptag", "appmask", "prp1", "prp2"],
  write: ["slba", "blocks", "fua", "lr", "dsm", "dspec", "reftag", "apptag", "appmask", "prp1", "prp2"],
  "write-zeroes": ["slba", "blocks", "fua", "lr", "deac", "reftag", "apptag", "appmask"],
  flush: [],
  dsm: ["ranges", "ad", "idr", "idw", "prp1", "prp2"],
};

const HELP = `usage: nvmesim sqe read|write|flush|write-zeroes|dsm [--nsid N] [--cid N] [--slba N] [--blocks N]
         [--fua] [--lr] [--deac] [--dsm N] [--dspec N] [--reftag N] [--apptag N] [--appmask N]
         [--prp1 A] [--prp2 A] [--ranges N] [--ad] [--idr] [--idw] [--json]
       nvmesim sqe --decode HEX [--json]
--blocks is the 1-based count (the printed nlb is the 0's based wire field); --ranges likewise.
Numbers are decimal or 0x hex; 64-bit fields take the full range.
`;

export async function sqe(argv: string[], io: Io): Promise<number> {
  const parsed = parseFlags(argv, FLAGS, 1);
  if (boolFlag(parsed, "help")) {
    io.stdout(HELP);
    return 0;
  }
  const m = await loadNvmesim();
  const [word] = parsed.positionals;
  let bytes: Uint8Array;
  if (parsed.values.decode !== undefined) {
    if (word !== undefined) throw new UsageError(`--decode takes no command (got '${word}')`);
    const others = Object.keys(FLAGS).filter((f) => f !== "decode" && f !== "json");
    rejectFlags(parsed, others, "cannot be combined with --decode");
    bytes = parseHexBytes("decode", String(parsed.values.decode), m.constant("NVME_SQE_BYTES"));
  } else {
    if (word === undefined)
      throw new UsageError(`missing command (allowed: ${SQE_COMMANDS.join(", ")}) or --decode HEX`);
    if (!(SQE_COMMANDS as readonly string[]).includes(word)) {
      throw new UsageError(`unknown command '${word}' (allowed: ${SQE_COMMANDS.join(", ")})`);
    }
    const command = word as SqeCommand;
    const allowed = new Set(["nsid", "cid", "json", ...COMMAND_FLAGS[command]]);
    rejectFlags(
      parsed,
      Object.keys(FLAGS).filter((f) => !allowed.has(f)),
      `does not apply to ${command}`,
    );
    bytes = encodeSqe(m, {
      command,
      nsid: intFlag(parsed, "nsid", 0, 0xffffffff, 1),
      cid: intFlag(parsed, "cid", 0, 0xffff, 0),
      slba: u64Flag(parsed, "slba", 0n),
      lbaCount: intFlag(parsed, "blocks", 1, 65536, 1),
      fua: boolFlag(parsed, "fua"),
      lr: boolFlag(parsed, "lr"),
      deac: boolFlag(parsed, "deac"),
      dsm: intFlag(parsed, "dsm", 0, 0xff, 0),
      dspec: intFlag(parsed, "dspec", 0, 0xffff, 0),
      reftag: intFlag(parsed, "reftag", 0, 0xffffffff, 0),
      apptag: intFlag(parsed, "apptag", 0, 0xffff, 0),
      appmask: intFlag(parsed, "appmask", 0, 0xffff, 0),
      prp1: u64Flag(parsed, "prp1", 0n),
      prp2: u64Flag(parsed, "prp2", 0n),
      ranges: intFlag(parsed, "ranges", 1, 256, 1),
      ad: boolFlag(parsed, "ad"),
      idr: boolFlag(parsed, "idr"),
      idw: boolFlag(parsed, "idw"),
    });
  }
  const decoded = decodeSqe(m, bytes);
  io.stdout(boolFlag(parsed, "json") ? sqeJson(bytes, decoded) + "\n" : sqeText(bytes, decoded));
  return 0;
}

function sqeJson(bytes: Uint8Array, d: DecodedSqe): string {
  const fields = Object.fromEntries(d.fields.map((f) => [f.name, f.value]));
  return toJson({ command: d.command ?? null, commandName: d.commandName, hex: hexString(bytes), fields });
}

function sqeText(bytes: Uint8Array, d: DecodedSqe): string {
  return `SQE: ${d.commandName}, ${bytes.length} bytes\n${hexdump(bytes)}\n${fieldTable(d.fields)}`;
}
