// nvmesim presets: the device presets with every parameter and its source.
import { PRESETS } from "../model/presets";
import { boolFlag, parseFlags, type FlagSpec } from "./args";
import type { Io } from "./io";

const FLAGS: FlagSpec = { json: { type: "boolean" }, help: { type: "boolean" } };

export async function presets(argv: string[], io: Io): Promise<number> {
  const parsed = parseFlags(argv, FLAGS);
  if (boolFlag(parsed, "help")) {
    io.stdout("usage: nvmesim presets [--json]\n");
    return 0;
  }
  if (boolFlag(parsed, "json")) {
    io.stdout(JSON.stringify(Object.values(PRESETS), null, 1) + "\n");
    return 0;
  }
  const out: string[] = [];
  for (const p of Object.values(PRESETS)) {
    const lat = (l: typeof p.readLatency) => `${l.kind} a=${l.a} b=${l.b} ns`;
    out.push(`${p.name}: ${p.description}`);
    const rows: [string, string][] = [
      ["fetchNs", String(p.fetchNs)],
      ["processNs", String(p.processNs)],
      ["dies", String(p.dies)],
      ["readLatency", lat(p.readLatency)],
      ["writeLatency", lat(p.writeLatency)],
      ["linkBytesPerSec", p.linkBytesPerSec ? String(p.linkBytesPerSec) : "none"],
    ];
    for (const [k, v] of rows) out.push(`  ${k.padEnd(16)} ${v.padEnd(30)} ${p.sources[k] ?? ""}`.trimEnd());
    out.push("");
  }
  io.stdout(out.join("\n"));
  return 0;
}
