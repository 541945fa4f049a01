// docs/calibration.md's section on today's table (src/model/cost-table-today.ts): the figures it is set
// from, each assumption by its letter, every step's price with its arithmetic, and how much the model's
// answers move when one assumption changes.
import {
  SMT_YIELD,
  ANCHOR_IOS_PER_CALL,
  ANCHOR_IOS_PER_DOORBELL,
  ANCHOR_NS_PER_IO,
  ANCHOR_ROWS,
  TODAY_CPU,
  todayTable,
  type TodayFit,
} from "../model/cost-table-today";
import { CPUS } from "../model/cpus";
import { STEPS } from "../model/steps";
import type { TodaySensitivity } from "../run/today-calibration";

/** The changed assumptions the sensitivity table runs: today's table at `fit` with entries replaced, ns on its
 * CPU. */
export function todayVariants(fit: TodayFit): Record<string, Record<string, number>> {
  const table = todayTable(fit);
  const by = (test: (source: string, symbol: string) => boolean, factor: number) =>
    Object.fromEntries(table.filter((e) => test(e.source, e.symbol)).map((e) => [e.symbol, e.ns * factor]));
  const c6 = (s: string) => s.startsWith("C6");
  const fitted = (letter: string) => (s: string) => s.startsWith(letter);
  return {
    "C1: the anchor's profile taken on the Ryzen 9 5950X (its rows' prices x 4.9 / 5.2 on the 12900K)": by(
      (s) => s.startsWith("[axboe-13m]"),
      CPUS["ryzen-9-5950x"].clockGhz / CPUS["core-i9-12900k"].clockGhz,
    ),
    "C3: one thread alone as fast as the core's two (every price / 1.19 on one thread)": by(() => true, 1 / SMT_YIELD),
    "C4: the batch functions' samples as work per pass, not per request (x 1/15)": by(
      (_, sym) => sym === "blk_mq_end_request_batch" || sym === "nvme_queue_rqs",
      1 / ANCHOR_IOS_PER_DOORBELL,
    ),
    "C6: the listing's remainder at half its share": by(c6, 0.5),
    "C6: at twice its share": by(c6, 2),
    "C8: interrupt-driven io_uring's own work at half": by(fitted("C8"), 0.5),
    "C8: at twice": by(fitted("C8"), 2),
    "C9: pinning a user page at half": by(fitted("C9"), 0.5),
    "C9: at twice": by(fitted("C9"), 2),
  };
}

const f2 = (x: number) => x.toFixed(2);
const m2 = (iops: number) => `${(iops / 1e6).toFixed(2)} M`;

export function todayCalibrationDoc(fit: TodayFit, sensitivity: readonly TodaySensitivity[]): string {
  const listed = ANCHOR_ROWS.reduce((s, r) => s + r.percent, 0);
  const rows = todayTable(fit).map(
    (e) => `| \`${e.symbol}\` | ${STEPS[e.symbol].layer} | ${STEPS[e.symbol].per} | ${f2(e.ns)} | ${e.source} |`,
  );
  const base = sensitivity[0];
  const sens = sensitivity.map(
    (s) =>
      `| ${s.change} | ${m2(s.anchorIops)} | ${m2(s.irqIops)} | ${f2(s.pollGain)}x | ${(s.psyncLatNs / 1000).toFixed(2)} us |`,
  );
  return `
## Today's table (Linux 5.x and 6.x)

Kernels from 5.0 on (\`host.kernel\` 5.4, 5.15, 6.1, 6.8) are priced by a
second table, \`src/model/cost-table-today.ts\`, on the CPU its main source
most likely ran (${TODAY_CPU}); a run on another CPU divides every price by
that CPU's speed against it (E1). The 2014 table above is not touched, and the
seed's prediction does not move. The rule is the same: a figure that sets a
price never validates (\`src/model/figures.ts\`, \`docs/validation.md\`).

### Figures

- **[axboe-13m]** sets the steps its profile names: t/io_uring at 13.04 M
  IOPS on one core, ${ANCHOR_NS_PER_IO.toFixed(1)} ns of the core per I/O; its
  15 rows add to ${f2(listed)}%.
- **[xrp]** Table 1 sets a system call's crossing (351 ns) and pread's own
  work (199 ns), on a Core i5-8500 at 3 GHz.
- **[axboe-memset]** sets nvme_setup_cmd's memset before 5.16 (+4.40% of a
  core at ~6.7 M IOPS) and \`nvme_queue_rq\` (5.90%).
- **[axboe-bio-cache]** sets a bio without the per-CPU cache: one polled core
  went from 3,111,520 to 3,417,120 IOPS with it.
- **[axboe-batched-completion]** sets a request's end without batching
  (C10), and **[axboe-block-opts]** the rest of October 2021's per-I/O work
  that 5.16 removed (C11).
- **[axboe-dm-poll]** sets what a core's second hyperthread adds (C3).
- **[joshi-2022]**'s block path sets two prices by a fit (C8, C9 below), and
  **[ren-2023]**'s io_uring at queue depth 1 a third (C12).

### Assumptions

- **C1.** The anchor's CPU is not in its mail. It is taken to be the Core
  i9-12900K: Jens Axboe's mail of March 2022 names that CPU and runs the same
  \`taskset -c 10,11\` two-threads-on-one-core setup; his 5950X runs of
  October 2021 used CPUs 0 and 16. The runs of October 2021 ([axboe-memset],
  [axboe-batched-completion], [axboe-block-opts]) are taken to be on the
  Ryzen 9 5950X that Phoronix names for that month, two threads on sibling
  hyperthreads as his mails of that month run them; the single-thread run of
  August ([axboe-bio-cache]) on the Threadripper 3970X, the AMD box he had
  before (Phoronix: "After upgrading to an AMD Ryzen 9 5950X system"), whose
  speed against the 5950X his own no-op rates give ([axboe-2021-nops]).
- **C2.** The kernel of the anchor (the 5.17 block tree) prices 5.4 to 6.8
  alike, except where a switch removes or adds a step.
- **C3.** The model's CPU is a core running one thread, unless
  \`host.threadsPerCore\` is 2: then both its hyperthreads run the jobs and
  it does ${f2(SMT_YIELD)}x one thread's work, as two threads on one
  12900K core did over one in [axboe-dm-poll] (4988 / 4202 K IOPS). The
  anchor ran two threads on one core, so its ${ANCHOR_NS_PER_IO.toFixed(1)} ns are
  the core's with both hyperthreads; a figure measured on one thread or two
  is moved to that basis by the same factor.
- **C4.** A function the profile names is priced per I/O: its share of the
  core over the I/Os. \`blk_mq_end_request_batch\` and \`nvme_queue_rqs\` run
  once per batch, but their samples are their loops over the batch's
  requests, so the model charges them per request; \`nvme_poll\`'s samples are
  its loop over CQEs (\`nvme_handle_cqe\` is inlined there) and price
  \`nvme_handle_cqe\`; with fixed buffers \`__io_import_iovec\` is
  \`io_import_fixed\`'s work and prices it (C5).
- **C6.** The ${f2(100 - listed)}% the listing leaves (less the system call's
  crossing, priced by [xrp]) is shared equally, per I/O, by the anchor run's
  other steps: a step charged per I/O gets one share, per io_uring_enter
  ${ANCHOR_IOS_PER_CALL} shares (its IOS/call), per doorbell
  ${ANCHOR_IOS_PER_DOORBELL} (a call's I/Os over the thread's two drives), per
  CQ pass one (the model's poller takes each CQE as it is posted). A test
  keeps this list equal to the steps the model's anchor run takes.
- **C7.** Steps the anchor run never took are priced as the steps doing the
  same work (each entry below says which and why); fio's own work per I/O is
  not published and is taken as t/io_uring's, which is low.
- **C8, C9 (fitted).** Interrupt-driven io_uring's own work per I/O that no
  priced step accounts for (charged as \`io_req_task_work_add\`) and pinning a
  user page (\`bio_iov_iter_get_pages\`) are the prices at which the model's
  runs of [joshi-2022]'s commands give its gains of polling alone
  (2.23 / 1.52) and of fixed buffers alone (1.77 / 1.52), his disk stood in
  for by drives that do not limit the core: ${f2(fit.irqResidualNs)} ns and
  ${f2(fit.pinNs)} ns (\`nvmesim calibrate\`; \`src/run/today-calibration.ts\`).
- **C10.** Batched completion's gain (~6.1 to ~6.6 M IOPS on the 5950X) is
  what each request's own end (\`nvme_pci_complete_rq\`, unbatched) costs
  beyond the batch's share.
- **C11.** October 2021's push from ~5.5 to ~8.2 M IOPS per core, less the
  memset and batched completion priced on their own, is one per-I/O
  pseudo-step, \`[block per-I/O work before 5.16]\`, that 5.16's switch
  \`blockFixes516\` removes.
- **C12 (fitted).** An async engine's wait for completions and its wake-up
  beyond the scheduler's own work (\`io_cqring_wait\`, and libaio's
  \`read_events\` as the same), per sleep: the price at which the model's
  run of [ren-2023]'s io_uring at queue depth 1 gives its 81.3 K IOPS on the
  \`optane-900p\` preset: ${f2(fit.asyncWaitNs)} ns. psync's wait (the bio's own
  wake-up) is not this one.
- **C13.** A passthrough request taken one at a time (\`blk_mq_alloc_request\`
  before 6.1's \`passthroughBatch\`: \`blk_queue_enter\` and one tag) costs
  what a request from the plug's cache does (\`__blk_mq_alloc_requests\`'s
  share in [axboe-13m]): no figure prices the difference, so the switch's
  gain is its unbatched end alone (C10).
- **D1.** The interrupt's entry, the scheduler and the swap program's
  memory management are not in today's figures: they keep the seed table's
  prices, moved to the run's CPU by E1.
- **E1.** A CPU's speed is its clock over the seed's 3.6 GHz: no published
  comparison of these cores on kernel I/O work was found (docs/references.md
  [cpu-clocks]).

### Sensitivity

The anchor run, Joshi's interrupt-driven run and its polled gain (both fitted
by C8 as committed), and a 512 B pread at queue depth 1 on a P5800X (Linux
6.8), with one assumption changed at a time (C8 and C9 not fitted again):

| change | anchor IOPS | interrupt-driven IOPS | polled over it | pread at QD1 |
|---|---:|---:|---:|---:|
${sens.join("\n")}

The anchor run gives ${m2(base.anchorIops)} against the 13.04 M its profile
was taken at: the table and the model's run of its command agree to within
the batching the model does differently.

### Today's cost table

ns per charge on the ${TODAY_CPU}.

| step | layer | per | ns | source |
|---|---|---|---:|---|
${rows.join("\n")}
`;
}
