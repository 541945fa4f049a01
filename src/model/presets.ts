// Device presets: controller and media parameters with the source of each.
// Figures from docs/references.md set the presets; independent measurements of
// the same devices are kept for validation (docs/validation.md), never both.

import type { FigureId } from "./figures";

export type LatencyKind = "constant" | "uniform" | "exponential" | "lognormal";

/** A latency distribution in ns: constant a; uniform [a, b]; a + exponential(mean b); lognormal median a, sigma b/1000. */
export interface Latency {
  kind: LatencyKind;
  a: number;
  b: number;
}

/** A PCIe link: generation, lanes, and the Max_Payload_Size its TLPs carry. */
export interface PcieLink {
  generation: 1 | 2 | 3 | 4 | 5;
  lanes: 1 | 2 | 4 | 8 | 16;
  maxPayloadBytes: number;
}

/** Transfer rate per lane (GT/s) and line encoding of each PCIe generation (PCI Express Base Specification). */
const PCIE_GENERATIONS: Record<PcieLink["generation"], { gts: number; encoding: number; framingBytes: number }> = {
  1: { gts: 2.5, encoding: 8 / 10, framingBytes: 2 },
  2: { gts: 5, encoding: 8 / 10, framingBytes: 2 },
  3: { gts: 8, encoding: 128 / 130, framingBytes: 4 },
  4: { gts: 16, encoding: 128 / 130, framingBytes: 4 },
  5: { gts: 32, encoding: 128 / 130, framingBytes: 4 },
};

/** Bytes around each TLP's payload besides framing: sequence number 2, 4-DW header (64-bit address) 16, LCRC 4. */
const TLP_OVERHEAD_BYTES = 22;
/** Link bandwidth lost to data-link packets (ACKs, flow-control updates): an assumption of ~2%. */
const DLLP_SHARE = 0.02;

/** Payload bytes per second a link carries one way: lanes x rate x encoding, less TLP and DLLP overhead. */
export function pcieBytesPerSec(link: PcieLink): number {
  const g = PCIE_GENERATIONS[link.generation];
  const raw = (link.lanes * g.gts * 1e9 * g.encoding) / 8;
  const tlp = link.maxPayloadBytes / (link.maxPayloadBytes + TLP_OVERHEAD_BYTES + g.framingBytes);
  return Math.round(raw * tlp * (1 - DLLP_SHARE));
}

export interface DevicePreset {
  name: string;
  description: string;
  /** Doorbell to command fetched, ns. */
  fetchNs: number;
  /** Controller time per command (decode, PRP walk), ns, one command at a time. */
  processNs: number;
  /** Independent units (channels x dies) serving one command each. */
  dies: number;
  readLatency: Latency;
  writeLatency: Latency;
  /** The PCIe link (none for a RAM-backed device). */
  link: PcieLink | null;
  /** The device's own data ceiling, bytes per second: its rated sequential read (0: none). */
  seqBytesPerSec: number;
  /** Its rated sequential write (0: none published): its write path's ceiling, and with device.dataPipe
   * "each-way" its data path's for writes. */
  seqWriteBytesPerSec: number;
  /** Its rated 4 KiB random write IOPS (0: none published): a random write takes its write path at least
   * 1 / this long (the write ceilings, engine's device.ts writeCeiling). */
  randWriteIops: number;
  /** Flagged SWP_SYNCHRONOUS_IO as zram, brd and pmem are: swap-in may take 6.3's on-stack bio (onStackBio). */
  synchronousIo: boolean;
  /**
   * How commands complete: each on its own time, or as null_blk's timer mode did in Linux 3.19 (one timer per
   * CPU, armed by the first command on an empty list, completing every command listed before it fires).
   */
  completion: "per-command" | "timer-batch";
  /** The published figures its parameters were set from (they cannot also validate the model). */
  uses: FigureId[];
  sources: Record<string, string>;
}

/** What the RAM-speed presets share: no controller time, no media contention, no link. */
const RAM_SPEED = {
  fetchNs: 0,
  processNs: 0,
  dies: 1024,
  link: null,
  seqBytesPerSec: 0,
  seqWriteBytesPerSec: 0,
  randWriteIops: 0,
  sources: {
    dies: "no media contention: one unit per command in flight",
    link: "none: RAM behind the queue",
    seqBytesPerSec: "no ceiling",
    seqWriteBytesPerSec: "no ceiling",
    randWriteIops: "no ceiling",
    fetchNs: "none: completion timing is the whole device",
    processNs: "none",
  },
} as const;

export const PRESETS: Record<string, DevicePreset> = {
  "p3700-2014": {
    name: "p3700-2014",
    description: "Intel DC P3700 (2014 MLC NAND, PCIe 3.0 x4)",
    fetchNs: 1000,
    processNs: 2174,
    dies: 128,
    readLatency: { kind: "lognormal", a: 70_000, b: 150 },
    writeLatency: { kind: "lognormal", a: 20_000, b: 150 },
    link: { generation: 3, lanes: 4, maxPayloadBytes: 256 },
    seqBytesPerSec: 2_800_000_000,
    seqWriteBytesPerSec: 2_000_000_000,
    randWriteIops: 175_000,
    synchronousIo: false,
    completion: "per-command",
    uses: [
      "p3700-spec-read-iops",
      "p3700-spec-seq-read",
      "p3700-spec-seq-write",
      "p3700-spec-write-iops",
      "p3700-spec-write-latency",
      "p3700-spec-link",
    ],
    sources: {
      processNs:
        "1 s / 460 K: the spec's 4 KiB random read IOPS taken as the controller's command rate (docs/references.md [p3700-spec], Intel 330566-005US)",
      dies: "assumption: 18 channels with several dies each, more media parallelism than 4 KiB random reads use, so the controller sets the ceiling",
      readLatency:
        "assumption: 2014 MLC page read ~70 us median (AnandTech's measured QD1 latency is kept for validation, not used here)",
      writeLatency:
        "spec 'typical latency 20 us' (writes land in the controller's buffer; docs/references.md [p3700-spec])",
      link: "spec: PCIe 3.0 x4 (docs/references.md [p3700-spec]); Max_Payload_Size 256 B is an assumption (common server setting)",
      seqBytesPerSec: "spec 2800 MB/s sequential read (docs/references.md [p3700-spec])",
      seqWriteBytesPerSec: "spec 2000 MB/s sequential write (docs/references.md [p3700-spec])",
      randWriteIops: "spec 175 K 4 KiB random write IOPS (docs/references.md [p3700-spec])",
      fetchNs: "assumption: ~1 us doorbell to fetched command over PCIe 3.0",
    },
  },
  p4800x: {
    name: "p4800x",
    description: "Intel Optane DC P4800X (3D XPoint)",
    fetchNs: 700,
    processNs: 500,
    dies: 7,
    readLatency: { kind: "lognormal", a: 7_000, b: 100 },
    writeLatency: { kind: "lognormal", a: 7_000, b: 100 },
    link: { generation: 3, lanes: 4, maxPayloadBytes: 256 },
    seqBytesPerSec: 2_400_000_000,
    seqWriteBytesPerSec: 0,
    randWriteIops: 0,
    synchronousIo: false,
    completion: "per-command",
    uses: [],
    sources: {
      readLatency: "assumption: ~7 us media read, so that with the host path QD1 lands near Intel's 10 us figure",
      dies: "assumption: 7 parallel units, ~1 M IOPS ceiling (AnandTech's QD16 figure is kept for validation)",
      link: "PCIe 3.0 x4 (the product brief); Max_Payload_Size 256 B is an assumption",
      seqBytesPerSec: "assumption: 2.4 GB/s, the product brief's sequential read (not in docs/references.md)",
      seqWriteBytesPerSec: "none: no write figure in docs/references.md",
      randWriteIops: "none: no write figure in docs/references.md",
      fetchNs: "assumption: ~0.7 us doorbell to fetch",
      processNs: "assumption: ~0.5 us per command",
      writeLatency: "assumption: reads and writes alike on 3D XPoint",
    },
  },
  "optane-900p": {
    name: "optane-900p",
    description: "Intel Optane SSD 900P (first-generation 3D XPoint, PCIe 3.0 x4), as Ren and Trivedi measured it",
    fetchNs: 700,
    processNs: 500,
    dies: 3,
    readLatency: { kind: "lognormal", a: 4_830, b: 100 },
    writeLatency: { kind: "lognormal", a: 4_830, b: 100 },
    link: { generation: 3, lanes: 4, maxPayloadBytes: 256 },
    seqBytesPerSec: 0,
    seqWriteBytesPerSec: 0,
    randWriteIops: 0,
    synchronousIo: false,
    completion: "per-command",
    uses: ["ren-2023-spdk", "ren-2023-900p-spec"],
    sources: {
      readLatency:
        "SPDK's 138.9 K IOPS at queue depth 1 (7.20 us a read) taken as the device's own time, SPDK's host work as none (an upper bound): 7200 ns less the fetch, the controller's time and 4 KiB over the link (1169 ns) (docs/references.md [ren-2023])",
      dies: "sized so dies / median read latency is at least the spec's 550 K IOPS, as the paper quotes it (docs/references.md [ren-2023])",
      link: "PCIe 3.0 x4 (the paper's setup); Max_Payload_Size 256 B is an assumption",
      fetchNs: "assumption: as the p4800x preset",
      processNs: "assumption: as the p4800x preset",
      writeLatency: "assumption: as reads",
      seqBytesPerSec: "none: no sequential figure in docs/references.md",
      seqWriteBytesPerSec: "none",
      randWriteIops: "none",
    },
  },
  p5800x: {
    name: "p5800x",
    description: "Intel Optane P5800X (PCIe 4.0)",
    fetchNs: 400,
    processNs: 250,
    dies: 12,
    readLatency: { kind: "lognormal", a: 2_600, b: 80 },
    writeLatency: { kind: "lognormal", a: 2_800, b: 80 },
    link: { generation: 4, lanes: 4, maxPayloadBytes: 256 },
    seqBytesPerSec: 7_200_000_000,
    seqWriteBytesPerSec: 0,
    randWriteIops: 0,
    synchronousIo: false,
    completion: "per-command",
    uses: ["axboe-optane2-qd1-polled", "axboe-optane2-per-core"],
    sources: {
      readLatency:
        "sized so device time plus a polled host path is ~3.4 us, Axboe's polled QD1 512 B read (docs/references.md [axboe-optane2])",
      dies: "assumption: ~4.6 M IOPS device ceiling, above the ~2.6 M one core reached (docs/references.md [axboe-optane2])",
      link: "PCIe 4.0 x4 (docs/references.md [axboe-optane2]); Max_Payload_Size 256 B is an assumption",
      seqBytesPerSec: "assumption: ~7.2 GB/s sequential read",
      seqWriteBytesPerSec: "none: no write figure in docs/references.md",
      randWriteIops: "none: no write figure in docs/references.md",
      fetchNs: "assumption",
      processNs: "assumption",
      writeLatency: "assumption: slightly above reads",
    },
  },
  "gen5-nand": {
    name: "gen5-nand",
    description: "PCIe Gen5 TLC NAND (Micron 9550 class)",
    fetchNs: 500,
    processNs: 150,
    dies: 200,
    readLatency: { kind: "lognormal", a: 60_000, b: 200 },
    writeLatency: { kind: "lognormal", a: 15_000, b: 200 },
    link: { generation: 5, lanes: 4, maxPayloadBytes: 512 },
    seqBytesPerSec: 14_000_000_000,
    seqWriteBytesPerSec: 10_000_000_000,
    randWriteIops: 400_000,
    synchronousIo: false,
    completion: "per-command",
    uses: ["micron-9550-read-iops", "micron-9550-seq-read", "micron-9550-seq-write", "micron-9550-write-iops"],
    sources: {
      dies: "sized so dies / median read latency = 3.3 M IOPS, the vendor's random read (docs/references.md [micron-9550])",
      readLatency: "assumption: TLC page read ~60 us median",
      writeLatency: "assumption: writes buffered, ~15 us",
      link: "PCIe Gen5 x4 (docs/references.md [micron-9550]); Max_Payload_Size 512 B is an assumption",
      seqBytesPerSec: "vendor 14 GB/s sequential read (docs/references.md [micron-9550])",
      seqWriteBytesPerSec: "vendor 10 GB/s sequential write (docs/references.md [micron-9550])",
      randWriteIops: "vendor 400 K random write IOPS (docs/references.md [micron-9550])",
      fetchNs: "assumption",
      processNs: "assumption",
    },
  },
  ram: {
    ...RAM_SPEED,
    name: "ram",
    description: "null_blk in timer mode (irqmode=2) as in Linux 3.19: RAM speed, completions in timer batches",
    readLatency: { kind: "constant", a: 10_000, b: 0 },
    writeLatency: { kind: "constant", a: 10_000, b: 0 },
    synchronousIo: false,
    completion: "timer-batch",
    uses: ["null_blk-completion"],
    sources: {
      ...RAM_SPEED.sources,
      readLatency: "null_blk completion_nsec default 10,000 ns (docs/references.md [null_blk])",
      writeLatency: "null_blk completion_nsec default 10,000 ns (docs/references.md [null_blk])",
      completion:
        "3.19 drivers/block/null_blk.c null_cmd_end_timer: llist_add to the CPU's completion_queue arms its hrtimer only when the list was empty; null_cmd_timer_expired ends every listed command",
      synchronousIo: "null_blk does not set BDI_CAP_SYNCHRONOUS_IO",
    },
  },
  brd: {
    ...RAM_SPEED,
    name: "brd",
    description:
      "RAM speed, flagged SWP_SYNCHRONOUS_IO like brd, zram and pmem (swap-in may take the on-stack bio); in the model it still sits behind an NVMe queue, each command completing on its own time",
    readLatency: { kind: "constant", a: 2_000, b: 0 },
    writeLatency: { kind: "constant", a: 2_000, b: 0 },
    synchronousIo: true,
    completion: "per-command",
    uses: [],
    sources: {
      ...RAM_SPEED.sources,
      readLatency: "assumption: a 4 KiB copy (and zram's decompression) of about 2 us",
      writeLatency: "assumption: as the read",
      completion:
        "each command on its own time (brd and zram copy in the submitter and end the bio there, with no queue or interrupt: not modelled)",
      synchronousIo: "brd, zram and pmem set BDI_CAP_SYNCHRONOUS_IO (4.15+), so swap-in takes the on-stack bio",
    },
  },
};

export const PRESET_NAMES = Object.keys(PRESETS);

/** The link's payload rate each way, bytes per second (0: no link). */
export function linkBytesPerSec(p: DevicePreset): number {
  return p.link ? pcieBytesPerSec(p.link) : 0;
}

/** The one data pipe (device.dataPipe "one"): the slower of the link and the device's own read ceiling (0: none). */
export function dataBytesPerSec(p: DevicePreset): number {
  const ceilings = [linkBytesPerSec(p), p.seqBytesPerSec].filter((x) => x > 0);
  return ceilings.length ? Math.min(...ceilings) : 0;
}
