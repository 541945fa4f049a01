// nvmesim presets: the device and host CPU presets with every parameter and its source.
import { CPUS } from "../model/cpus";
import { pcieBytesPerSec, PRESETS } from "../model/presets";
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
    io.stdout(JSON.stringify({ devices: Object.values(PRESETS), cpus: Object.values(CPUS) }, null, 1) + "\n");
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
      [
        "link",
        p.link
          ? `PCIe ${p.link.generation}.0 x${p.link.lanes}, MPS ${p.link.maxPayloadBytes} B: ${(pcieBytesPerSec(p.link) / 1e9).toFixed(2)} GB/s of payload`
          : "none",
      ],
      ["seqBytesPerSec", p.seqBytesPerSec ? String(p.seqBytesPerSec) : "none"],
      ["seqWriteBytesPerSec", p.seqWriteBytesPerSec ? String(p.seqWriteBytesPerSec) : "none"],
      ["completion", p.completion],
      ["synchronousIo", String(p.synchronousIo)],
    ];
    for (const [k, v] of rows) out.push(`  ${k.padEnd(16)} ${v.padEnd(30)} ${p.sources[k] ?? ""}`.trimEnd());
    out.push("");
  }
  out.push("host CPUs (host.cpu):", "");
  for (const c of Object.values(CPUS)) {
    out.push(
      `${c.name}: ${c.description}`,
      `  ${"".padEnd(16)} ${"".padEnd(30)} ${c.sources.description ?? ""}`.trimEnd(),
    );
    const rows: [string, string][] = [
      ["clockGhz", c.clockGhz ? String(c.clockGhz) : "none"],
      ["speed", `${c.speed.toFixed(3)}x the seed's`],
      ["irqDeliveryNs", String(c.irqDeliveryNs)],
      ["idleStates", c.idleStates.map((s) => `${s.name} ${s.exitNs / 1000}/${s.residencyNs / 1000} us`).join(", ")],
    ];
    for (const [k, v] of rows) out.push(`  ${k.padEnd(16)} ${v.padEnd(30)} ${c.sources[k] ?? ""}`.trimEnd());
    out.push("");
  }
  io.stdout(out.join("\n"));
  return 0;
}
