// The t/io_uring runs that today's calibration and validation make, by t/io_uring's flags: one CPU for all
// its threads (the IOPS of one core), `count` devices of a preset. Joshi's and the anchor's command lines are
// here once, for the fit, the sensitivity table, the validation and the tests.
import { TODAY_CPU } from "../model/cost-table-today";

/** A t/io_uring run, its flags by name. */
export interface Uring {
  kernel: string;
  cpu: string;
  preset?: string;
  count?: number;
  /** -d, -s, -c, -b, -n */
  depth?: number;
  submit?: number;
  complete?: number;
  bs?: number;
  threads?: number;
  /** -p, -B, -F, -u */
  polled: boolean;
  fixed: boolean;
  files?: boolean;
  passthru?: boolean;
  switches?: Record<string, unknown>;
  /** 2: the threads run on one core's two hyperthreads (taskset on siblings). */
  threadsPerCore?: number;
  /** I/Os in all. */
  ios?: number;
}

/** The run configuration of a t/io_uring command (512 B random reads, depth 128, batches of 32 unless told). */
export function uringRun(u: Uring): Record<string, unknown> {
  return {
    cpus: 1,
    host: { kernel: u.kernel, cpu: u.cpu, threadsPerCore: u.threadsPerCore ?? 1 },
    switches: u.switches ?? {},
    device: { preset: u.preset ?? "p5800x", count: u.count ?? 1 },
    workload: {
      rw: "randread",
      bs: u.bs ?? 512,
      iodepth: u.depth ?? 128,
      numjobs: u.threads ?? 1,
      ioengine: u.passthru ? "io_uring_cmd" : "io_uring",
      hipri: u.polled,
      fixedbufs: u.fixed,
      registerfiles: u.files ?? true,
      iodepth_batch_submit: u.submit ?? 32,
      iodepth_batch_complete_min: u.complete ?? 32,
      number_ios: u.ios ?? 300_000,
      size: "1g",
      verify: false,
    },
  };
}

/** Joshi's t/io_uring -b512 -d128 -c32 -s32 -F1 -n1 on Linux 6.1 ([joshi-2022]); the CPU not named (the
 * table's), and the disk, which never limited his core, stood in for by as many P5800X as keep the model's
 * core the limit. */
export function joshiConfig(polled: boolean, fixed: boolean, passthru = false, ios = 300_000): Record<string, unknown> {
  return uringRun({ kernel: "6.1", cpu: TODAY_CPU, count: 16, polled, fixed, passthru, ios });
}

/** The anchor run: [axboe-13m]'s t/io_uring -d256 -b512 -s31 -c16 -p1 -F1 -B1 -n2 on four drives, Linux 6.1
 * (the 5.17 tree's changes). */
export function anchorConfig(ios = 200_000): Record<string, unknown> {
  return uringRun({
    kernel: "6.1",
    cpu: TODAY_CPU,
    count: 4,
    depth: 256,
    submit: 31,
    complete: 16,
    threads: 2,
    threadsPerCore: 2,
    polled: true,
    fixed: true,
    ios,
  });
}

/** Ren and Trivedi's fio runs ([ren-2023]): 4 KiB random reads at queue depth 1 on an Optane 900P, Linux 5.15, one
 * Xeon Silver 4210R thread at 2.4 GHz. */
export function renConfig(
  ioengine: string,
  hipri = false,
  sqthread_poll = false,
  ios = 40_000,
): Record<string, unknown> {
  return {
    cpus: 1,
    host: { kernel: "5.15", cpu: "xeon-silver-4210r" },
    device: { preset: "optane-900p" },
    workload: {
      rw: "randread",
      bs: 4096,
      iodepth: 1,
      numjobs: 1,
      ioengine,
      hipri,
      sqthread_poll,
      number_ios: ios,
      size: "1g",
    },
  };
}
