// `nvmesim run --scenario seed-2014`: both paths on the seed's kind of machine,
// side by side with the two profiles Keith Busch posted in November 2014.
import { readFileSync } from "node:fs";
import { parseProfileCsv, type CostEntry, type ProfileRow } from "../model/calibration";
import { runSeedScenario, SEED_CPU_RATIO, type SeedComparison } from "../run/seed-scenario";
import { loadNvmesim } from "../wasm/node";
import { SEED_CSV } from "./calibrate";
import type { Io } from "./io";

/** The scenario printed (or as JSON); with `costTable`, priced by that table instead of the committed one. */
export async function seedScenario(io: Io, json: boolean, costTable?: readonly CostEntry[]): Promise<number> {
  const rows = parseProfileCsv(readFileSync(SEED_CSV, "utf8"));
  const c = await runSeedScenario(await loadNvmesim(), rows, { costTable });
  if (json) {
    io.stdout(
      JSON.stringify(
        {
          scenario: "seed-2014",
          measured: { cpuRatio: SEED_CPU_RATIO, profiles: rows },
          predicted: {
            cpuRatio: c.cpuRatio,
            faultRatio: c.faultRatio,
            wrongFunctions: c.wrongFunctions,
            spearman: c.spearman,
          },
          results: { "blk-mq": c.blkMq, rw_page: c.rwPage },
        },
        null,
        1,
      ) + "\n",
    );
  } else {
    io.stdout(seedText(c, rows));
  }
  const failed =
    c.blkMq.nvmesim.engineErrors +
    c.rwPage.nvmesim.engineErrors +
    c.blkMq.nvmesim.integrityErrors +
    c.rwPage.nvmesim.integrityErrors;
  return failed === 0 ? 0 : 1;
}

function seedText(c: SeedComparison, rows: readonly ProfileRow[]): string {
  const measured = (path: string, symbol: string) => rows.find((r) => r.path === path && r.symbol === symbol)?.percent;
  const simulated = (profile: SeedComparison["perf"]["blkMq"], symbol: string) =>
    profile.find((p) => p.symbol === symbol)?.percent;
  const symbols = [...new Set(rows.map((r) => r.symbol))];
  const cell = (v: number | undefined) => (v === undefined ? "      -" : `${v.toFixed(2).padStart(6)}%`);
  const lines = [
    "seed-2014: the swap program on 16 CPUs and a P3700-class device, 2 s simulated per path",
    "",
    "                                       blk-mq              rw_page",
    "symbol                             seed    model       seed    model",
  ];
  for (const s of symbols) {
    lines.push(
      `${s.padEnd(32)} ${cell(measured("blk_mq", s))} ${cell(simulated(c.perf.blkMq, s))}    ${cell(measured("rw_page", s))} ${cell(simulated(c.perf.rwPage, s))}`,
    );
  }
  const sw = (r: SeedComparison["blkMq"]) => r.nvmesim.swap!;
  const verdict = (ok: boolean) => (ok ? "met" : "NOT met");
  const cpuOk = Math.abs(c.cpuRatio - SEED_CPU_RATIO) <= 0.04;
  const faultOk = Math.abs(c.faultRatio - 1) <= 0.05;
  const missingOk = c.wrongFunctions.rwPageHas.length === 0 && c.wrongFunctions.blkMqHas.length === 0;
  lines.push(
    "",
    `(a percentage in the model column is of the model's kernel CPU, with the doorbell writes under the`,
    `functions that inlined them in 2014, as perf saw them; the seed's are of all samples)`,
    "",
    `faults handled   blk-mq ${sw(c.blkMq).faults} (${Math.round(sw(c.blkMq).faultsPerSec)}/s)   rw_page ${sw(c.rwPage).faults} (${Math.round(sw(c.rwPage).faultsPerSec)}/s)`,
    "",
    "predictions for rw_page (the calibration never saw its profile):",
    `  kernel CPU for the same run time, rw_page / blk-mq: ${c.cpuRatio.toFixed(3)} (seed ~${SEED_CPU_RATIO}; goal ${SEED_CPU_RATIO} +/- 0.04: ${verdict(cpuOk)})`,
    `  faults handled, rw_page / blk-mq: ${c.faultRatio.toFixed(3)} (goal within 5%: ${verdict(faultOk)})`,
    `  functions each path lacks absent from its profile: ${verdict(missingOk)}${missingOk ? "" : ` (${JSON.stringify(c.wrongFunctions)})`}`,
    `  Spearman rank correlation, model vs seed: rw_page ${c.spearman.rwPage.toFixed(3)} over ${c.spearman.common.rwPage} functions (goal >= 0.7: ${verdict(c.spearman.rwPage >= 0.7)}); blk-mq ${c.spearman.blkMq.toFixed(3)} over ${c.spearman.common.blkMq}`,
  );
  return lines.join("\n") + "\n";
}
