// The published figures of today's hosts (Linux 5.x and 6.x), once each, as figures.ts keeps 2014's: what
// was measured, the value, and where (a label of docs/references.md). A ratio is one number of the source
// over another of the same source and setup, both named in `what`.
import type { Figure } from "./figures";

export const FIGURES_TODAY = {
  // Set today's cost table (cost-table-today.ts).
  "axboe-13m-profile": {
    ref: "axboe-13m",
    what: "t/io_uring 512 B polled reads at 13.04 M IOPS on one core, and its top 15 functions",
    value: 13_043_500,
    unit: "IOPS",
  },
  "axboe-memset-profile": {
    ref: "axboe-memset",
    what: "nvme_setup_cmd's memset, +4.40% of a core at ~6.7 M IOPS (nvme_queue_rq 5.90%)",
    value: 6_700_000,
    unit: "IOPS",
  },
  "xrp-crossing": {
    ref: "xrp",
    what: "XRP Table 1: the kernel crossing of a 512 B read() (Linux 5.8, Core i5-8500 at 3 GHz, KPTI off)",
    value: 351,
    unit: "ns",
  },
  "xrp-read-syscall": { ref: "xrp", what: "XRP Table 1: the read syscall layer", value: 199, unit: "ns" },
  "axboe-bio-cache-polled": {
    ref: "axboe-bio-cache",
    what: "one polled core without and with the bio cache: 3,111,520 and 3,417,120 IOPS",
    value: 3_417_120 / 3_111_520,
    unit: "x",
  },
  "axboe-block-opts": {
    ref: "axboe-block-opts",
    what: "October 2021's per-core push: 'pushing out IOPS-per-core from ~5.5M to ~8.2M'",
    value: 8.2 / 5.5,
    unit: "x",
  },
  "axboe-dm-poll-smt": {
    ref: "axboe-dm-poll",
    what: "t/io_uring 512 B polled on a Core i9-12900K: two threads on one core's hyperthreads over one thread (4988 / 4202 K IOPS)",
    value: 4988 / 4202,
    unit: "x",
  },
  "ren-2023-spdk": {
    ref: "ren-2023",
    what: "Optane 900P, 4 KiB random reads at queue depth 1 through SPDK (Linux 5.15.79, Xeon Silver 4210R)",
    value: 138_900,
    unit: "IOPS",
  },
  "ren-2023-900p-spec": {
    ref: "ren-2023",
    what: "Optane 900P, 'spec: 550 KIOPS with 4KiB random read', as the paper's Table 1 quotes it",
    value: 550_000,
    unit: "IOPS",
  },
  "axboe-2021-nops": {
    ref: "axboe-2021-nops",
    what: "t/io_uring -N1 no-op requests a second on one thread: Threadripper 3970X 47.0 M, Ryzen 9 5950X 70.3 M (the same tree)",
    value: 70.3 / 47.0,
    unit: "x",
  },
  // Validate.
  "axboe-2021-3970x-peak": {
    ref: "axboe-2021-nops",
    what: "t/io_uring -b512 -d128 -c32 -s32 -p1 -F1 -B1 -n1 on one Threadripper 3970X thread, 'core limited' (3.81 M IOPS)",
    value: 3_810_000,
    unit: "IOPS",
  },
  "axboe-2021-irq-4.9m": {
    ref: "axboe-bio-polling-2021",
    what: "interrupt-driven io_uring, two threads on one Ryzen 9 5950X core, two P5800X ('IRQ mode ... around 4.9M')",
    value: 4_900_000,
    unit: "IOPS",
  },
  "axboe-2021-polled-7.4m": {
    ref: "axboe-bio-polling-2021",
    what: "the same, polled ('~7.4M polled IOPS on a single CPU core')",
    value: 7_400_000,
    unit: "IOPS",
  },
  "joshi-2022-passthru-fixedbufs-irq": {
    ref: "joshi-2022",
    what: "NVMe passthrough over the block path, interrupts, both with fixed buffers (2.08 / 1.77 M IOPS)",
    value: 2.08 / 1.77,
    unit: "x",
  },
  "joshi-2022-passthru-poll": {
    ref: "joshi-2022",
    what: "NVMe passthrough over the block path, polled, no fixed buffers (2.21 / 2.23 M IOPS)",
    value: 2.21 / 2.23,
    unit: "x",
  },
  "joshi-2022-block-fixedbufs": {
    ref: "joshi-2022",
    what: "t/io_uring 512 B, one core, one disk, Linux 6.1's block path, interrupts: fixed buffers over plain (1.77 / 1.52 M IOPS)",
    value: 1.77 / 1.52,
    unit: "x",
  },
  "joshi-2022-block-poll": {
    ref: "joshi-2022",
    what: "the same, polled over interrupts (2.23 / 1.52 M IOPS)",
    value: 2.23 / 1.52,
    unit: "x",
  },
  "joshi-2022-block-poll-fixedbufs": {
    ref: "joshi-2022",
    what: "the same, polled with fixed buffers over interrupts (2.61 / 1.52 M IOPS)",
    value: 2.61 / 1.52,
    unit: "x",
  },
  "joshi-2022-passthru-irq": {
    ref: "joshi-2022",
    what: "NVMe passthrough over the block path, interrupts, no fixed buffers (1.78 / 1.52 M IOPS)",
    value: 1.78 / 1.52,
    unit: "x",
  },
  "joshi-2022-passthru-poll-fixedbufs": {
    ref: "joshi-2022",
    what: "NVMe passthrough over the block path, polled with fixed buffers (2.69 / 2.61 M IOPS)",
    value: 2.69 / 2.61,
    unit: "x",
  },
  "axboe-2022-block-poll": {
    ref: "axboe-2022-passthru",
    what: "t/io_uring 512 B, one gen2 Optane, iostats off and nomerges 2, Linux 6.1's block path: polled over interrupts (4.04 / 2.90 M IOPS)",
    value: 4.04 / 2.9,
    unit: "x",
  },
  "axboe-2022-block-fixedbufs": {
    ref: "axboe-2022-passthru",
    what: "the same, interrupts: fixed buffers over plain (3.0 / 2.90 M IOPS)",
    value: 3.0 / 2.9,
    unit: "x",
  },
  "axboe-2022-passthru-irq": {
    ref: "axboe-2022-passthru",
    what: "the same: NVMe passthrough over the block path, interrupts, no fixed buffers (2.37 / 2.90 M IOPS)",
    value: 2.37 / 2.9,
    unit: "x",
  },
  "axboe-2022-passthru-poll": {
    ref: "axboe-2022-passthru",
    what: "the same: NVMe passthrough over the block path, polled, no fixed buffers (3.65 / 4.04 M IOPS)",
    value: 3.65 / 4.04,
    unit: "x",
  },
  "joshi-2022-qd1-poll": {
    ref: "joshi-qd1-2022",
    what: "fio io_uring 512 B random reads at queue depth 1: polled over interrupts (157 / 80 K IOPS)",
    value: 157 / 80,
    unit: "x",
  },
  "axboe-irq-bio-cache": {
    ref: "axboe-irq-bio-cache",
    what: "interrupt-driven io_uring on one core with the bio cache over without (7.1 / 6.3 M IOPS)",
    value: 7.1 / 6.3,
    unit: "x",
  },
  "begunkov-2022-irq-bio-cache": {
    ref: "begunkov-2022",
    what: "t/io_uring on one Optane SSD, interrupts, queue depth 128: the per-CPU bio cache over none (2.82 / 2.60 M IOPS)",
    value: 2.82 / 2.6,
    unit: "x",
  },
  "axboe-batched-completion": {
    ref: "axboe-batched-completion",
    what: "polled random reads at depth 128 on two Optane Gen2, one core: batched completions over none (~6.6 / ~6.1 M IOPS)",
    value: 6.6 / 6.1,
    unit: "x",
  },
  "axboe-queue-rqs": {
    ref: "axboe-queue-rqs",
    what: "queue_rqs over one request at a time, IOPS of one core ('from 9.6M to 10M IOPS/core')",
    value: 10 / 9.6,
    unit: "x",
  },
  "phoronix-5950x-8.9m": {
    ref: "phoronix-8.9m",
    what: "Ryzen 9 5950X with two P5800X, io_uring polled, IOPS of one core (~8.9 M, October 2021)",
    value: 8_900_000,
    unit: "IOPS",
  },
  "ren-2023-psync": {
    ref: "ren-2023",
    what: "Optane 900P, 4 KiB random reads at queue depth 1, psync (Linux 5.15.79, Xeon Silver 4210R)",
    value: 94_600,
    unit: "IOPS",
  },
  "ren-2023-libaio": { ref: "ren-2023", what: "the same, libaio", value: 81_100, unit: "IOPS" },
  "ren-2023-io_uring": { ref: "ren-2023", what: "the same, io_uring", value: 81_300, unit: "IOPS" },
  "ren-2023-io_uring-hipri": { ref: "ren-2023", what: "the same, io_uring with hipri", value: 112_900, unit: "IOPS" },
  "ren-2023-io_uring-sqpoll": {
    ref: "ren-2023",
    what: "the same, io_uring with sqthread_poll (its SQ thread on a second core)",
    value: 108_600,
    unit: "IOPS",
  },
  "xrp-bio": { ref: "xrp", what: "XRP Table 1: the bio layer of a 512 B read()", value: 379, unit: "ns" },
  "xrp-nvme-driver": {
    ref: "xrp",
    what: "XRP Table 1: the NVMe driver's part of a 512 B read()",
    value: 113,
    unit: "ns",
  },
} as const satisfies Record<string, Figure>;
