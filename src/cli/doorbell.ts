// nvmesim doorbell: the register offsets of queue pair y's SQ tail and CQ head
// doorbells for a doorbell stride (CAP.DSTRD).
import { loadNvmesim } from "../wasm/node";
import { boolFlag, intFlag, parseFlags, UsageError, type FlagSpec } from "./args";
import type { Io } from "./io";
import { toJson } from "./wire-text";

const FLAGS: FlagSpec = {
  qid: { type: "string" },
  dstrd: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean" },
};

export async function doorbell(argv: string[], io: Io): Promise<number> {
  const parsed = parseFlags(argv, FLAGS);
  if (boolFlag(parsed, "help")) {
    io.stdout("usage: nvmesim doorbell --qid N [--dstrd N] [--json]\n");
    return 0;
  }
  const m = await loadNvmesim();
  if (parsed.values.qid === undefined) throw new UsageError("--qid is required (0..65535)");
  const qid = intFlag(parsed, "qid", 0, 65535, 0);
  const dstrd = intFlag(parsed, "dstrd", 0, m.constant("NVME_DSTRD_MAX"), 0);
  const sqTail = m.exports.nvmeSqTailDoorbell(qid, dstrd);
  const cqHead = m.exports.nvmeCqHeadDoorbell(qid, dstrd);
  const hex = (n: bigint) => `0x${n.toString(16)}`;
  if (boolFlag(parsed, "json")) {
    io.stdout(toJson({ qid, dstrd, strideBytes: 4 << dstrd, sqTail: hex(sqTail), cqHead: hex(cqHead) }) + "\n");
  } else {
    io.stdout(`SQ ${qid} tail doorbell  ${hex(sqTail)}\nCQ ${qid} head doorbell  ${hex(cqHead)}\n`);
    io.stdout(`(stride ${4 << dstrd} bytes: 0x1000 + (2*${qid} [+1]) * (4 << ${dstrd}))\n`);
  }
  return 0;
}
