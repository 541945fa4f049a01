// The two paths side by side, as `nvmesim run` prints them when no --path is
// given: the same run on blk-mq and on rw_page, each metric beside the other
// with the ratio rw_page / blk-mq, what limits each run (the CPUs, the device,
// or too few I/Os in flight), and the functions only one path runs.
import type { Result } from "../run/result";
import { compareResults, compareRow, compareTable, type CompareRow } from "./compare";
import { runLimit } from "../run/limit";
import { runLine } from "./summary";

/** The rows only a run's own counters give (not in a fio document): per-I/O events, and the swap program's pace. */
function eventRows(a: Result, b: Result): CompareRow[] {
  const x = a.nvmesim;
  const y = b.nvmesim;
  return [
    ...(x.swap && y.swap ? [compareRow("faults per second", x.swap.faultsPerSec, y.swap.faultsPerSec)] : []),
    compareRow("interrupts per I/O", x.interruptsPerIo, y.interruptsPerIo),
    compareRow("context switches per I/O", x.contextSwitchesPerIo, y.contextSwitchesPerIo),
    compareRow("doorbells per I/O", x.doorbellsPerIo, y.doorbellsPerIo),
  ];
}

/** The first few of a list of functions (largest share first), and how many more. */
const ONLY_SHOWN = 8;
function firstOf(names: string[]): string {
  if (names.length === 0) return "none";
  const more = names.length - ONLY_SHOWN;
  return names.slice(0, ONLY_SHOWN).join(", ") + (more > 0 ? ` and ${more} more (--profile lists them)` : "");
}

/** `blkMq` and `rwPage`, the same configuration on each path, side by side. */
export function bothPathsText(blkMq: Result, rwPage: Result): string {
  const c = compareResults(blkMq, rwPage, ["blk-mq", "rw_page"]);
  const labels: [string, string] = ["blk-mq", "rw_page"];
  const limits = [blkMq, rwPage].map((r, i) => {
    const l = runLimit(r);
    return `  ${labels[i]}: ${l.by}-bound: ${l.why}`;
  });
  return [
    runLine(blkMq, "blk-mq and rw_page"),
    "",
    ...compareTable("", labels, c.metrics, 1, "rw_page/blk-mq"),
    "",
    ...compareTable("per I/O", labels, eventRows(blkMq, rwPage), 3, "rw_page/blk-mq"),
    "",
    "what limits each run:",
    ...limits,
    "",
    `only on blk-mq: ${firstOf(c.onlyA)}`,
    `only on rw_page: ${firstOf(c.onlyB)}`,
    "(--path blk-mq or --path rw_page runs one; --json without --path prints blk-mq's fio JSON, --path both --json both)",
    "",
  ].join("\n");
}
