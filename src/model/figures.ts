// The published figures nvmesim uses, once each: what was measured, the value,
// and where (a label of docs/references.md). A figure either sets the model
// (a preset parameter, the calibration's scale, a CPU's latencies: its `uses`
// lists name it) or validates it (docs/validation.md) - never both; a test
// keeps the two sets apart. Today's hosts' figures are in figures-today.ts.
import { FIGURES_TODAY } from "./figures-today";

export interface Figure {
  /** The label of its source in docs/references.md. */
  ref: string;
  what: string;
  /** The value, or a published range [low, high]. */
  value: number | [number, number];
  unit: string;
}

const FIGURES_2014 = {
  "p3700-spec-read-iops": {
    ref: "p3700-spec",
    what: "Intel P3700, rated 4 KiB random read IOPS",
    value: 460_000,
    unit: "IOPS",
  },
  "p3700-spec-write-iops": {
    ref: "p3700-spec",
    what: "Intel P3700, rated 4 KiB random write IOPS",
    value: 175_000,
    unit: "IOPS",
  },
  "p3700-spec-seq-read": { ref: "p3700-spec", what: "Intel P3700, rated sequential read", value: 2800, unit: "MB/s" },
  "p3700-spec-seq-write": { ref: "p3700-spec", what: "Intel P3700, rated sequential write", value: 2000, unit: "MB/s" },
  "p3700-spec-write-latency": {
    ref: "p3700-spec",
    what: "Intel P3700, rated typical write latency",
    value: 20,
    unit: "us",
  },
  "p3700-spec-link": { ref: "p3700-spec", what: "Intel P3700, PCIe 3.0 x4", value: 4, unit: "lanes" },
  "anandtech-p3700-qd1-latency": {
    ref: "anandtech-p3700",
    what: "Intel P3700, 4 KiB random read at queue depth 1, mean latency",
    value: [78, 112],
    unit: "us",
  },
  "anandtech-p3700-qd16-iops": {
    ref: "anandtech-p3700",
    what: "Intel P3700, 4 KiB random read IOPS at queue depth 16",
    value: 167_000,
    unit: "IOPS",
  },
  "anandtech-p4800x-qd1-latency": {
    ref: "anandtech-p4800x",
    what: "Intel Optane P4800X, 4 KiB random read at queue depth 1, mean latency",
    value: 8.9,
    unit: "us",
  },
  "anandtech-p4800x-qd16-iops": {
    ref: "anandtech-p4800x",
    what: "Intel Optane P4800X, 4 KiB random read IOPS at queue depth 16",
    value: 585_000,
    unit: "IOPS",
  },
  "axboe-2019-libaio": {
    ref: "axboe-2019",
    what: "libaio, 4 KiB random reads, one core",
    value: 608_000,
    unit: "IOPS",
  },
  "axboe-2019-uring-irq": {
    ref: "axboe-2019",
    what: "io_uring with interrupts, 4 KiB random reads, one core",
    value: 1_200_000,
    unit: "IOPS",
  },
  "axboe-2019-uring-polled": {
    ref: "axboe-2019",
    what: "io_uring polled, 4 KiB random reads, one core",
    value: 1_700_000,
    unit: "IOPS",
  },
  "phoronix-5.15-per-core": {
    ref: "phoronix-5.15",
    what: "Linux 5.15, io_uring polled, IOPS of one core",
    value: 3_500_000,
    unit: "IOPS",
  },
  "axboe-optane2-qd1-polled": {
    ref: "axboe-optane2",
    what: "Optane P5800X, polled 512 B read at queue depth 1, end to end",
    value: 3.4,
    unit: "us",
  },
  "axboe-optane2-per-core": {
    ref: "axboe-optane2",
    what: "Optane P5800X, one core at queue depth 128",
    value: 2_600_000,
    unit: "IOPS",
  },
  "micron-9550-read-iops": {
    ref: "micron-9550",
    what: "Micron 9550, rated random read IOPS",
    value: 3_300_000,
    unit: "IOPS",
  },
  "micron-9550-write-iops": {
    ref: "micron-9550",
    what: "Micron 9550, rated random write IOPS",
    value: 400_000,
    unit: "IOPS",
  },
  "micron-9550-seq-read": {
    ref: "micron-9550",
    what: "Micron 9550, rated sequential read",
    value: 14_000,
    unit: "MB/s",
  },
  "micron-9550-seq-write": {
    ref: "micron-9550",
    what: "Micron 9550, rated sequential write",
    value: 10_000,
    unit: "MB/s",
  },
  "tomshw-p4800x-8k-qd8-iops": {
    ref: "tomshw-p4800x",
    what: "Intel Optane P4800X, 8 KiB random read IOPS at 8 outstanding I/Os",
    value: 280_000,
    unit: "IOPS",
  },
  "null_blk-completion": { ref: "null_blk", what: "null_blk completion_nsec default", value: 10_000, unit: "ns" },
  "li-2017-swap-polling": {
    ref: "li-2017",
    what: "swap-in reads polled instead of interrupt-driven, 'about 60% better' (read as latency, 1.6x)",
    value: 1.6,
    unit: "x",
  },
  "kim-2017-zram-rw_page": {
    ref: "kim-2017",
    what: "zram swap-in, rw_page over on-stack bio, average latency (5.54 us / 5.27 us)",
    value: 5.54 / 5.27,
    unit: "x",
  },
  "io-passthru-gain": {
    ref: "io-passthru",
    what: "NVMe passthrough (no bio, no block-layer submission path) over the block path, IOPS",
    value: [1.16, 1.4],
    unit: "x",
  },
  "intel-idle-ivt": { ref: "intel-idle", what: "Ivy Bridge-EP idle states (ivt_cstates)", value: 4, unit: "states" },
} as const satisfies Record<string, Figure>;

/** Every published figure nvmesim uses or is checked against. */
export const FIGURES = { ...FIGURES_2014, ...FIGURES_TODAY };

export type FigureId = keyof typeof FIGURES;

export function figure(id: FigureId): Figure {
  return FIGURES[id];
}
