// Today's table's two fitted prices (C8, C9), found by running the model on the setup of the figures that set
// them, as the seed's table is fitted to the seed's profile: interrupt-driven io_uring's own work per I/O that
// no step of known price accounts for (C8, charged as io_req_task_work_add), and the pinning of a user page
// for a direct I/O (C9, bio_iov_iter_get_pages). Kanchan Joshi's one-core runs of Linux 6.1's block path
// ([joshi-2022]) set them: polled over interrupt-driven without fixed buffers (C8), and fixed buffers over
// none, interrupt-driven (C9). His other runs stay validation figures. Each price is found by bisection, the
// gain it sets rising with it; the two are fitted in turn until neither moves.
import { TODAY_CPU, todayTable, type TodayFit } from "../model/cost-table-today";
import { FIGURES } from "../model/figures";
import { anchorConfig, joshiConfig, renConfig } from "./uring-runs";
import type { Nvmesim } from "../wasm/module";
import { simulate } from "./simulate";

export type { TodayFit } from "../model/cost-table-today";

/** Today's table's prices with `fit`, as the overrides a run takes. */
export function fitCosts(fit: TodayFit): Record<string, number> {
  return Object.fromEntries(todayTable(fit).map((e) => [e.symbol, e.ns]));
}

const FIT_IOS = 100_000;

async function iops(
  m: Nvmesim,
  config: Record<string, unknown>,
  fit?: TodayFit,
  program: "fio" | "t/io_uring" = "t/io_uring",
): Promise<number> {
  const todayCosts = fit ? fitCosts(fit) : undefined;
  return (await simulate(m, config, { program, todayCosts })).jobs[0].read.iops;
}

/** The figures the fit sets, for prices `fit` (the committed ones when absent): Joshi's two gains, and Ren and
 * Trivedi's io_uring at queue depth 1 (IOPS). */
export async function fittedGains(
  m: Nvmesim,
  fit?: TodayFit,
  ios = FIT_IOS,
): Promise<{ poll: number; fixed: number; qd1Iops: number }> {
  const irq = await iops(m, joshiConfig(false, false, false, ios), fit);
  return {
    poll: (await iops(m, joshiConfig(true, false, false, ios), fit)) / irq,
    fixed: (await iops(m, joshiConfig(false, true, false, ios), fit)) / irq,
    qd1Iops: await iops(m, renConfig("io_uring", false, false, 20_000), fit, "fio"),
  };
}

/** The price at which `measure`, rising with it (or falling, `falling`), meets `target`; to 0.02 ns. */
async function bisect(
  measure: (ns: number) => Promise<number>,
  target: number,
  falling = false,
  hi = 400,
): Promise<number> {
  let lo = 0;
  while (hi - lo > 0.02) {
    const mid = (lo + hi) / 2;
    if ((await measure(mid)) < target !== falling) lo = mid;
    else hi = mid;
  }
  return Math.round(((lo + hi) / 2) * 100) / 100;
}

/** C8, C9 and C12, ns on the table's CPU. */
export async function fitToday(m: Nvmesim): Promise<TodayFit> {
  const pollTarget = FIGURES["joshi-2022-block-poll"].value;
  const fixedTarget = FIGURES["joshi-2022-block-fixedbufs"].value;
  const qd1Target = FIGURES["ren-2023-io_uring"].value;
  let fit: TodayFit = { irqResidualNs: 0, pinNs: 0, asyncWaitNs: 0 };
  for (let round = 0; round < 6; round++) {
    const pinNs = await bisect(async (ns) => (await fittedGains(m, { ...fit, pinNs: ns })).fixed, fixedTarget);
    const irqResidualNs = await bisect(
      async (ns) => (await fittedGains(m, { ...fit, pinNs, irqResidualNs: ns })).poll,
      pollTarget,
    );
    const asyncWaitNs = await bisect(
      async (ns) => (await fittedGains(m, { pinNs, irqResidualNs, asyncWaitNs: ns })).qd1Iops,
      qd1Target,
      true,
      4000,
    );
    const moved = (a: number, b: number) => Math.abs(a - b) >= 0.05;
    const settled =
      !moved(pinNs, fit.pinNs) && !moved(irqResidualNs, fit.irqResidualNs) && !moved(asyncWaitNs, fit.asyncWaitNs);
    fit = { irqResidualNs, pinNs, asyncWaitNs };
    if (settled) break;
  }
  return fit;
}

/** One line of today's sensitivity table: an assumption changed, and what the model then says. */
export interface TodaySensitivity {
  change: string;
  /** The anchor run ([axboe-13m]'s command), IOPS. */
  anchorIops: number;
  /** Joshi's block path, interrupt-driven, no fixed buffers, IOPS; and polled over it. */
  irqIops: number;
  pollGain: number;
  /** A 512 B pread at queue depth 1 on a P5800X (Linux 6.8, the table's CPU), mean latency, ns. */
  psyncLatNs: number;
}

/** What the model says with today's table at `fit`, and with each assumption changed (`variants`: prices replaced). */
export async function todaySensitivity(m: Nvmesim, fit: TodayFit, variants: Record<string, Record<string, number>>) {
  const rows: TodaySensitivity[] = [];
  const base = fitCosts(fit);
  for (const [change, changed] of Object.entries({ "as committed": {}, ...variants })) {
    const todayCosts = { ...base, ...changed };
    const at = async (config: Record<string, unknown>, program: "fio" | "t/io_uring") =>
      await simulate(m, config, { program, todayCosts });
    const irq = (await at(joshiConfig(false, false, false, FIT_IOS), "t/io_uring")).jobs[0].read.iops;
    const poll = (await at(joshiConfig(true, false, false, FIT_IOS), "t/io_uring")).jobs[0].read.iops;
    const psync = await at(
      {
        cpus: 1,
        host: { kernel: "6.8", cpu: TODAY_CPU },
        device: { preset: "p5800x" },
        workload: { rw: "randread", bs: 512, iodepth: 1, numjobs: 1, ioengine: "psync", number_ios: 20_000 },
      },
      "fio",
    );
    rows.push({
      change,
      anchorIops: (await at(anchorConfig(FIT_IOS), "t/io_uring")).jobs[0].read.iops,
      irqIops: irq,
      pollGain: poll / irq,
      psyncLatNs: psync.jobs[0].read.lat_ns.mean,
    });
  }
  return rows;
}
