// Validation on today's hosts: figures measured on Linux 5.x and 6.x, each run on the kernel preset and CPU
// its source names (or says it does not, and the setup says what stands in). A source that does not name its
// CPU is compared as a ratio of two of its own runs where it gives one.
import { TODAY_CPU } from "../model/cost-table-today";
import type { Result } from "./result";
import { joshiConfig, renConfig, uringRun } from "./uring-runs";
import type { ValidationCase } from "./validation";

type Run = (config: Record<string, unknown>, program?: "fio" | "t/io_uring") => Promise<Result>;

const uring = uringRun;

const iopsOf = async (run: Run, config: object, program: "fio" | "t/io_uring" = "t/io_uring") =>
  (await run(config as Record<string, unknown>, program)).jobs[0].read.iops;
const ratio = async (run: Run, a: object, b: object, program: "fio" | "t/io_uring" = "t/io_uring") =>
  (await iopsOf(run, a, program)) / (await iopsOf(run, b, program));

/** The tree of early September 2022 (6.1's for-next): passthrough's request cache and batched completions came
 * on 22 September ([axboe-pt-batch]). */
const BEFORE_PT_BATCH = { passthroughBatch: false };

/** A t/io_uring run as Joshi's ([joshi-2022]), on the tree of `switches`. */
const passthruRun = (polled: boolean, fixed: boolean, passthru: boolean, switches: Record<string, boolean>) => ({
  ...joshiConfig(polled, fixed, passthru),
  switches,
});
const joshi = (polled: boolean, fixed: boolean, passthru = false) =>
  passthruRun(polled, fixed, passthru, BEFORE_PT_BATCH);
const JOSHI_SETUP =
  "t/io_uring -b512 -d128 -c32 -s32 -F1 -n1 on Linux 6.1 as of 4 September 2022 (before passthrough's request cache and batched completions), the CPU not named: the table's Core i9-12900K; the disk not named and never the limit of his core: sixteen P5800X stand in (the model's one P5800X tops out near 3.7 M: its data pipe is taken in fetch order)";
/** Why the passthrough-over-block rows of September 2022 miss. */
const PT_SOURCES_DISAGREE =
  "Joshi's and Jens Axboe's runs of the same commands on the same day disagree by more than the model's whole passthrough gain (interrupts: 1.17x and 0.82x; polled: 0.99x and 0.90x), and the model lies between them";
const PT_SETUP =
  "taskset -c 0 t/io_uring -b512 -d128 -c32 -s32 -F1 -O0 -n1 -u1 /dev/ng0n1 on Linux 6.1, the CPU and disk not named: the table's Core i9-12900K and sixteen P5800X";

/** Jens Axboe's runs of 12 October 2021: t/io_uring 512 B -d128 -B1 -F1, two threads on the sibling
 * hyperthreads of one Ryzen 9 5950X core (taskset -c 0,16), two P5800X, the 5.16 tree. */
const axboe2021 = (polled: boolean, switches: Record<string, boolean> = { blockFixes516: true }) =>
  uring({
    kernel: "5.15",
    cpu: "ryzen-9-5950x",
    count: 2,
    threads: 2,
    threadsPerCore: 2,
    polled,
    fixed: true,
    switches,
  });
const AXBOE_2021_SETUP =
  "t/io_uring 512 B -d128 -B1 -F1, two threads on one Ryzen 9 5950X core, two P5800X, Linux 5.15 with 5.16's per-I/O block fixes (pending on 12 October; batched completions and the memset's removal were posted later that day)";

/** Jens Axboe's runs of the same commands in the same thread (4 Sep 2022): one gen2 Optane, iostats off and
 * nomerges 2 ("I have disabled iostats and merges generally in my runs"). */
const axboe2022 = (polled: boolean, fixed: boolean, passthru = false) => ({
  ...joshi(polled, fixed, passthru),
  queue: { iostats: false, nomerges: 2 },
});
const AXBOE_2022_SETUP =
  "t/io_uring -b512 -d128 -c32 -s32 -F1 -n1 on Linux 6.1 as of 4 September 2022 with iostats 0 and nomerges 2, the CPU not named: the table's Core i9-12900K; one gen2 Optane, which never limited these runs (it tops out at ~5.1 M): sixteen P5800X stand in";

/** fio at queue depth 1, 4 KiB random reads, one job (Ren and Trivedi's configurations). */
const ren = renConfig;
const REN_SETUP =
  "fio, 4 KiB random reads at queue depth 1, Linux 5.15, Xeon Silver 4210R at 2.4 GHz, the optane-900p preset (its media time set from the same paper's SPDK run)";

/** XRP's 512 B read() (Linux 5.8: the 5.4 preset; Core i5-8500 at 3 GHz): one layer's CPU per I/O. */
const xrpLayerNs = async (run: Run, layers: string[]) => {
  const r = await run({
    cpus: 1,
    host: { kernel: "5.4", cpu: "core-i5-8500" },
    device: { preset: "p5800x" },
    workload: { rw: "randread", bs: 512, iodepth: 1, numjobs: 1, ioengine: "psync", number_ios: 20_000, size: "1g" },
  });
  const ios = r.jobs[0].read.total_ios;
  return r.nvmesim.layers.filter((l) => layers.includes(l.layer)).reduce((s, l) => s + l.ns, 0) / ios;
};

export const TODAY_CASES: ValidationCase[] = [
  {
    name: "joshi-block-poll-fixedbufs",
    figure: "joshi-2022-block-poll-fixedbufs",
    kernel: "6.1",
    cpu: "not stated",
    setup: `${JOSHI_SETUP}: -p1 -B1 over -p0 -B0`,
    measure: (run) => ratio(run, joshi(true, true), joshi(false, false)),
    ifMissed:
      "C8 and C9 are fitted to this source's gains of polling alone and of fixed buffers alone; together they are priced as adding up",
  },
  ...(
    [
      ["joshi-passthru-irq", "joshi-2022-passthru-irq", false, false],
      ["joshi-passthru-fixedbufs-irq", "joshi-2022-passthru-fixedbufs-irq", false, true],
      ["joshi-passthru-poll", "joshi-2022-passthru-poll", true, false],
      ["joshi-passthru-poll-fixedbufs", "joshi-2022-passthru-poll-fixedbufs", true, true],
    ] as const
  ).map(([name, figure, polled, fixed]): ValidationCase => ({
    name,
    figure,
    kernel: "6.1",
    cpu: "not stated",
    setup: `${JOSHI_SETUP}: /dev/ng0n1 -u1 -O0 over /dev/nvme0n1, both -p${polled ? 1 : 0} -B${fixed ? 1 : 0}`,
    measure: (run) => ratio(run, joshi(polled, fixed, true), joshi(polled, fixed)),
    ifMissed: `${PT_SOURCES_DISAGREE}; passthrough's own steps are priced by analogy with the block path's (C7)`,
  })),
  ...(
    [
      ["axboe-2022-block-poll", "axboe-2022-block-poll", "-p1 -B0 over -p0 -B0", [true, false, false], [false, false]],
      [
        "axboe-2022-block-fixedbufs",
        "axboe-2022-block-fixedbufs",
        "-p0 -B1 over -p0 -B0",
        [false, true, false],
        [false, false],
      ],
      [
        "axboe-2022-passthru-irq",
        "axboe-2022-passthru-irq",
        "/dev/ng0n1 -u1 -O0 over /dev/nvme0n1, -p0 -B0",
        [false, false, true],
        [false, false],
      ],
      [
        "axboe-2022-passthru-poll",
        "axboe-2022-passthru-poll",
        "/dev/ng0n1 -u1 -O0 over /dev/nvme0n1, -p1 -B0",
        [true, false, true],
        [true, false],
      ],
    ] as const
  ).map(([name, figure, what, a, b]): ValidationCase => ({
    name,
    figure,
    kernel: "6.1",
    cpu: "not stated",
    setup: `${AXBOE_2022_SETUP}: ${what}`,
    measure: (run) => ratio(run, axboe2022(a[0], a[1], a[2]), axboe2022(b[0], b[1])),
    ifMissed: a[2]
      ? `${PT_SOURCES_DISAGREE}; C8 and C9 are fitted to Joshi's runs`
      : "C8 and C9 are fitted to another run of the same commands ([joshi-2022])",
  })),
  {
    name: "joshi-pt-fixedbufs-irq",
    figure: "joshi-2022-pt-fixedbufs-irq",
    kernel: "6.1",
    cpu: "not stated",
    setup: `${PT_SETUP}, as of 2 September 2022 (before passthrough's batching): -p0 -B1 over -p0 -B0`,
    measure: (run) => ratio(run, joshi(false, true, true), joshi(false, false, true)),
    ifMissed:
      "C9, the pinning that fixed buffers save, is fitted to the block path's gain ([joshi-2022]); passthrough's own mapping is priced by analogy (C7)",
  },
  {
    name: "gupta-pt-fixedbufs-poll",
    figure: "gupta-2022-pt-fixedbufs-poll",
    kernel: "6.1",
    cpu: "not stated",
    setup: `${PT_SETUP}, the tree the series was applied to (30 September 2022): -p1 -B1 over -p1 -B0`,
    measure: (run) => ratio(run, passthruRun(true, true, true, {}), passthruRun(true, false, true, {})),
    ifMissed:
      "C9, the pinning that fixed buffers save, is fitted to the block path's gain ([joshi-2022]); passthrough's own mapping is priced by analogy (C7)",
  },
  ...(
    [
      ["gupta-pt-batch-poll", "gupta-2022-pt-batch-poll", true],
      ["gupta-pt-batch-irq", "gupta-2022-pt-batch-irq", false],
    ] as const
  ).map(([name, figure, polled]): ValidationCase => ({
    name,
    figure,
    kernel: "6.1",
    cpu: "not stated",
    setup: `${PT_SETUP}, -p${polled ? 1 : 0} -B0 (the flags not stated; ${polled ? "his -p1 -B0 of 30 September gave the same 2.62 M as this run's 2.63 M after" : "as the polled run's"}): Linux 6.1 with and without passthrough's request cache and batched completions`,
    measure: (run) =>
      ratio(run, passthruRun(polled, false, true, {}), passthruRun(polled, false, true, BEFORE_PT_BATCH)),
    ifMissed:
      "a request taken one at a time is priced as the cache's share (C13), and one ended alone as batched completion's gain on another CPU (C10)",
  })),
  {
    name: "joshi-qd1-poll",
    figure: "joshi-2022-qd1-poll",
    kernel: "6.1",
    cpu: "not stated",
    setup:
      "fio io_uring, 512 B random reads at queue depth 1 (batches of 1), Linux 6.1, one P5800X (not named), the table's CPU (not named): hipri over interrupts",
    measure: (run) => {
      const qd1 = (hipri: boolean) =>
        uring({
          kernel: "6.1",
          cpu: TODAY_CPU,
          depth: 1,
          submit: 1,
          complete: 1,
          polled: hipri,
          fixed: false,
          files: false,
        });
      return ratio(run, qd1(true), qd1(false), "fio");
    },
    ifMissed:
      "at queue depth 1 the interrupt's latency (delivery, idle exit, the wake-up) decides: the CPU's idle states and delivery time are assumptions",
  },
  {
    name: "axboe-irq-bio-cache",
    figure: "axboe-irq-bio-cache",
    kernel: "6.1",
    cpu: "not stated",
    setup:
      "t/io_uring -b512 -d128 -s32 -c32 -p0 -B1 -F1 on sixteen P5800X standing in for drives that never limited the core, Linux 6.1 with and without the interrupt-driven bio cache; the CPU not named (December 2021: the table's Core i9-12900K)",
    measure: (run) => {
      const irq = (bioCacheIrq: boolean) =>
        uring({ kernel: "6.1", cpu: TODAY_CPU, count: 16, polled: false, fixed: true, switches: { bioCacheIrq } });
      return ratio(run, irq(true), irq(false));
    },
    ifMissed: "the uncached bio's price is set from the polled bio cache's gain on another CPU ([axboe-bio-cache])",
  },
  {
    name: "begunkov-irq-bio-cache",
    figure: "begunkov-2022-irq-bio-cache",
    kernel: "6.1",
    cpu: "not stated",
    setup:
      "t/io_uring -d128 -p0, 512 B, one Optane SSD in the source (sixteen P5800X stand in, so that the device does not limit the core), Linux 6.1 with and without the bio cache for interrupt-driven I/O; the CPU not named: the table's",
    measure: (run) => {
      const irq = (bioCacheIrq: boolean) =>
        uring({ kernel: "6.1", cpu: TODAY_CPU, count: 16, polled: false, fixed: false, switches: { bioCacheIrq } });
      return ratio(run, irq(true), irq(false));
    },
    ifMissed: "the uncached bio's price is set from the polled bio cache's gain on another CPU ([axboe-bio-cache])",
  },
  {
    name: "axboe-queue-rqs",
    figure: "axboe-queue-rqs",
    kernel: "6.1",
    cpu: "not stated",
    setup:
      "t/io_uring -b512 -d128 -s32 -c32 -p1 -B1 -F1 on sixteen P5800X (the device never the limit), Linux 6.1 with and without queue_rqs; the CPU not named: the table's",
    measure: (run) => {
      const poll = (queueRqs: boolean) =>
        uring({ kernel: "6.1", cpu: TODAY_CPU, count: 16, polled: true, fixed: true, switches: { queueRqs } });
      return ratio(run, poll(true), poll(false));
    },
    ifMissed: "nvme_queue_rq's price comes from a profile of October 2021 on another CPU ([axboe-memset])",
  },
  {
    name: "axboe-2021-3970x-peak",
    figure: "axboe-2021-3970x-peak",
    kernel: "5.15",
    cpu: "threadripper-3970x",
    setup:
      "t/io_uring -b512 -d128 -c32 -s32 -p1 -F1 -B1 -n1 on one thread of the Threadripper 3970X, the tree of 2 October 2021 (5.15's, before 5.16's block fixes); its drive did not limit it ('core limited'): sixteen P5800X stand in",
    measure: (run) =>
      iopsOf(run, uring({ kernel: "5.15", cpu: "threadripper-3970x", count: 16, polled: true, fixed: true })),
    ifMissed:
      "the 3970X's speed is its no-op rate against the 5950X's; the io_uring work of 2 October's tree is priced as December's",
  },
  {
    name: "axboe-2021-irq",
    figure: "axboe-2021-irq-4.9m",
    kernel: "5.15",
    cpu: "ryzen-9-5950x",
    setup: `${AXBOE_2021_SETUP}: -p0`,
    measure: (run) => iopsOf(run, axboe2021(false)),
    ifMissed:
      "interrupt-driven io_uring's own work (C8) is fitted to another source's runs, on Linux 6.1 with one thread; two threads on sibling hyperthreads share one core's interrupts",
  },
  {
    name: "axboe-2021-polled",
    figure: "axboe-2021-polled-7.4m",
    kernel: "5.15",
    cpu: "ryzen-9-5950x",
    setup: `${AXBOE_2021_SETUP}: -p1`,
    measure: (run) => iopsOf(run, axboe2021(true)),
    ifMissed:
      "the two P5800X limit the model near 7.2 M (its data pipe is taken in fetch order), the table is moved to the 5950X by the clocks' ratio only, and the October tree lacked fixes the model has no switch for",
  },
  {
    name: "phoronix-8.9m",
    figure: "phoronix-5950x-8.9m",
    kernel: "5.15",
    cpu: "ryzen-9-5950x",
    setup:
      "t/io_uring 512 B -d128 -p1 -B1 -F1, two threads on one Ryzen 9 5950X core, two P5800X, Linux 5.15 with 5.16's per-I/O block fixes, batched completions and the memset's removal (the tree of 25 October)",
    measure: (run) =>
      iopsOf(run, axboe2021(true, { blockFixes516: true, batchedCompletion: true, setupCmdNoMemset: true })),
    ifMissed:
      "the two P5800X limit the model near 7.2 M (its data pipe is taken in fetch order), and the table is moved to the 5950X by the clocks' ratio only",
  },
  ...(
    [
      ["ren-psync", "ren-2023-psync", "psync", false],
      ["ren-libaio", "ren-2023-libaio", "libaio", false],
      ["ren-io_uring-hipri", "ren-2023-io_uring-hipri", "io_uring", true],
      ["ren-io_uring-sqpoll", "ren-2023-io_uring-sqpoll", "io_uring", false, true],
    ] as const
  ).map(([name, figure, engine, hipri, sqpoll]): ValidationCase => ({
    name,
    figure,
    kernel: "5.15",
    cpu: "xeon-silver-4210r",
    setup: `${REN_SETUP}: ioengine ${engine}${hipri ? " with hipri" : ""}${sqpoll ? " with sqthread_poll" : ""}`,
    measure: (run) => iopsOf(run, ren(engine, hipri, sqpoll ?? false), "fio"),
    ifMissed:
      "the 900P's own time is taken from SPDK's run as if SPDK's host work were none, and the CPU's idle states are assumed on (the paper does not say)",
  })),
  {
    name: "xrp-bio",
    figure: "xrp-bio",
    kernel: "5.4",
    cpu: "core-i5-8500",
    setup:
      "a 512 B pread on the raw device (XRP read through ext4 on Linux 5.8: the 5.4 preset), Core i5-8500 at 3 GHz: the block layer's CPU per I/O",
    measure: (run) => xrpLayerNs(run, ["block"]),
    ifMissed: "XRP's bio layer is ext4's direct I/O through iomap, the model's a raw device's on-stack bio",
  },
  {
    name: "xrp-nvme-driver",
    figure: "xrp-nvme-driver",
    kernel: "5.4",
    cpu: "core-i5-8500",
    setup: "as above: the NVMe driver's CPU per I/O (its steps, doorbells and DMA mapping)",
    measure: (run) => xrpLayerNs(run, ["nvme", "mmio", "dma"]),
    ifMissed: "where XRP counts the interrupt and the completion is not stated",
  },
];
