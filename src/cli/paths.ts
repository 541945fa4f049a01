// nvmesim paths: the step lists of both host paths (and the swap workload's
// per-fault steps) with each step's cost and source, for a set of switches.
import { COST_TABLE, COST_TABLE_WORKLOAD, costEntry } from "../model/cost-table";
import { faultCost } from "../model/fault-cost";
import {
  BOOLEAN_SWITCHES,
  PATH_NAMES,
  pathSteps,
  sleepSteps,
  SWAP_FAULT_STEPS,
  SWAP_MAJOR_FAULT_STEPS,
  SWAP_PAGE_IN_STEPS,
  SWAP_PAGE_OUT_STEPS,
  SWITCHES_OFF,
  wakeSteps,
  type PathName,
  type Switches,
} from "../model/paths";
import { OTHER_KERNEL, STEPS } from "../model/steps";
import { boolFlag, parseFlags, UsageError, type FlagSpec } from "./args";
import type { Io } from "./io";

const FLAGS: FlagSpec = {
  path: { type: "string" },
  switch: { type: "string", multiple: true },
  json: { type: "boolean" },
  help: { type: "boolean" },
};

export async function paths(argv: string[], io: Io): Promise<number> {
  const parsed = parseFlags(argv, FLAGS);
  if (boolFlag(parsed, "help")) {
    io.stdout(
      `usage: nvmesim paths [--path blk-mq|rw_page] [--switch NAME ...] [--json]\nswitches: ${BOOLEAN_SWITCHES.join(", ")}\n`,
    );
    return 0;
  }
  const wanted = parsed.values.path === undefined ? [...PATH_NAMES] : [String(parsed.values.path)];
  for (const p of wanted) {
    if (!(PATH_NAMES as readonly string[]).includes(p))
      throw new UsageError(`invalid --path '${p}' (allowed: ${PATH_NAMES.join(", ")})`);
  }
  const switches: Switches = { ...SWITCHES_OFF };
  for (const name of (parsed.values.switch as string[] | undefined) ?? []) {
    if (!(BOOLEAN_SWITCHES as readonly string[]).includes(name)) {
      throw new UsageError(`invalid --switch '${name}' (allowed: ${BOOLEAN_SWITCHES.join(", ")})`);
    }
    switches[name as (typeof BOOLEAN_SWITCHES)[number]] = true;
  }
  const doc = (wanted as PathName[]).map((path) => ({
    path,
    read: pathSteps(path, "read", switches),
    write: pathSteps(path, "write", switches),
    cpuNsPerFault: faultCost(path, switches, COST_TABLE, COST_TABLE_WORKLOAD).totalNs,
  }));
  if (boolFlag(parsed, "json")) {
    const withCosts = (list: string[]) =>
      list.map((s) => ({
        symbol: s,
        file: STEPS[s]?.file,
        per: STEPS[s]?.per,
        ns: costEntry(s)?.ns,
        source: costEntry(s)?.source,
      }));
    io.stdout(
      JSON.stringify(
        doc.map((d) => ({
          path: d.path,
          cpuNsPerFault: d.cpuNsPerFault,
          read: Object.fromEntries(Object.entries(d.read).map(([k, v]) => [k, withCosts(v)])),
          write: Object.fromEntries(Object.entries(d.write).map(([k, v]) => [k, withCosts(v)])),
        })),
        null,
        1,
      ) + "\n",
    );
    return 0;
  }
  const line = (s: string) => {
    const e = costEntry(s);
    const info = STEPS[s];
    return `    ${s.padEnd(34)} ${(e ? e.ns.toFixed(1) : "?").padStart(8)} ns  ${info?.layer.padEnd(6) ?? ""} ${(info?.file ?? "").padEnd(32)} ${e?.source ?? "no cost"}`;
  };
  const out: string[] = [];
  for (const d of doc) {
    out.push(`${d.path}, a read:`);
    for (const [group, list] of Object.entries(d.read)) {
      out.push(`  ${group}:`, ...(list.length ? list.map(line) : ["    (none)"]));
    }
    out.push(`${d.path}, a swap-out write, where it differs:`);
    for (const [group, list] of Object.entries(d.write)) {
      if (list.join() === d.read[group as keyof typeof d.read].join()) continue;
      out.push(`  ${group}:`, ...(list.length ? list.map(line) : ["    (none)"]));
    }
    out.push(`  CPU per fault of the seed's swap workload: ${d.cpuNsPerFault.toFixed(0)} ns`, "");
  }
  out.push(
    "swap workload, per fault (minor or major):",
    ...[...SWAP_FAULT_STEPS, OTHER_KERNEL].map(line),
    "per major fault:",
    ...SWAP_MAJOR_FAULT_STEPS.map(line),
    "per page read into the swap cache:",
    ...SWAP_PAGE_IN_STEPS.map(line),
    "per page written out:",
    ...SWAP_PAGE_OUT_STEPS.map(line),
    "per sleep on I/O (perf's PMU save only when perf records, host.profiler):",
    ...sleepSteps(true, true).map(line),
    "the waker's part, in the interrupt:",
    ...wakeSteps(true).map(line),
  );
  io.stdout(out.join("\n") + "\n");
  return 0;
}
