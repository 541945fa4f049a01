// Today's table's two fitted prices (C8, C9), found by running the model on the setup of the figures that set
// them, as the seed's table is fitted to the seed's profile: interrupt-driven io_uring's own work per I/O that
// no step of known price accounts for (C8, charged as io_req_task_work_add), and the pinning of a user page
// for a direct I/O (C9, bio_iov_iter_get_pages). Kanchan Joshi's one-core runs of Linux 6.1's block path
// ([joshi-2022]) set them: polled over interrupt-driven without fixed buffers (C8), and fixed buffers over
// none, interrupt-driven (C9). His other runs stay validation figures. Each price is found by bisection, the
// gain it sets rising with it; the two are fitted in turn until neither moves.
import { TODAY_CPU } from "../model/cost-table-today";
import { FIGURES } from "../model/figures";
import { anchorConfig, joshiConfig } from "./uring-runs";
import type { Nvmesim } from "../wasm/module";
import { simulate } from "./simulate";

export interface TodayFit {
  irqResidualNs: number;
  pinNs: number;
}

const FIT_IOS = 100_000;

async function iops(m: Nvmesim, config: Record<string, unknown>, fit?: TodayFit): Promise<number> {
  const todayCosts = fit ? { io_req_task_work_add: fit.irqResidualNs, bio_iov_iter_get_pages: fit.pinNs } : undefined;
  return (await simulate(m, config, { program: "t/io_uring", todayCosts })).jobs[0].read.iops;
}

/** The two gains the fit sets, for prices `fit` (the committed ones when absent). */
export async function fittedGains(m: Nvmesim, fit?: TodayFit, ios = FIT_IOS): Promise<{ poll: number; fixed: number }> {
  const irq = await iops(m, joshiConfig(false, false, false, ios), fit);
  return {
    poll: (await iops(m, joshiConfig(true, false, false, ios), fit)) / irq,
    fixed: (await iops(m, joshiConfig(false, true, false, ios), fit)) / irq,
  };
}

async function bisect(gain: (ns: number) => Promise<number>, target: number): Promise<number> {
  let lo = 0;
  let hi = 400;
  while (hi - lo > 0.02) {
    const mid = (lo + hi) / 2;
    if ((await gain(mid)) < target) lo = mid;
    else hi = mid;
  }
  return Math.round(((lo + hi) / 2) * 100) / 100;
}

/** C8 and C9, ns on the table's CPU. */
export async function fitToday(m: Nvmesim): Promise<TodayFit> {
  const pollTarget = FIGURES["joshi-2022-block-poll"].value;
  const fixedTarget = FIGURES["joshi-2022-block-fixedbufs"].value;
  let fit: TodayFit = { irqResidualNs: 0, pinNs: 0 };
  for (let round = 0; round < 6; round++) {
    const pinNs = await bisect(async (ns) => (await fittedGains(m, { ...fit, pinNs: ns })).fixed, fixedTarget);
    const irqResidualNs = await bisect(
      async (ns) => (await fittedGains(m, { pinNs, irqResidualNs: ns })).poll,
      pollTarget,
    );
    const settled = Math.abs(pinNs - fit.pinNs) < 0.05 && Math.abs(irqResidualNs - fit.irqResidualNs) < 0.05;
    fit = { irqResidualNs, pinNs };
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

/** What the model says with today's table as committed, and with each assumption changed. */
export async function todaySensitivity(m: Nvmesim, variants: Record<string, Record<string, number>>) {
  const rows: TodaySensitivity[] = [];
  for (const [change, todayCosts] of Object.entries({ "as committed": {}, ...variants })) {
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
