// Device presets: controller and media parameters with the source of each.
// Figures from docs/references.md set the presets; independent measurements of
// the same devices are kept for validation (docs/validation.md), never both.

export type LatencyKind = "constant" | "uniform" | "exponential" | "lognormal";

/** A latency distribution in ns: constant a; uniform [a, b]; a + exponential(mean b); lognormal median a, sigma b/1000. */
export interface Latency {
  kind: LatencyKind;
  a: number;
  b: number;
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
  /** Link ceiling, bytes per second (0: none). */
  linkBytesPerSec: number;
  /** RAM-backed, completing in the submitter's context (SWP_SYNCHRONOUS_IO: zram, brd, pmem). */
  synchronousIo: boolean;
  sources: Record<string, string>;
}

export const PRESETS: Record<string, DevicePreset> = {
  "p3700-2014": {
    name: "p3700-2014",
    description: "Intel DC P3700 (2014 MLC NAND, PCIe 3.0 x4)",
    fetchNs: 1000,
    processNs: 2174,
    dies: 128,
    readLatency: { kind: "lognormal", a: 70_000, b: 150 },
    writeLatency: { kind: "lognormal", a: 20_000, b: 150 },
    linkBytesPerSec: 2_800_000_000,
    synchronousIo: false,
    sources: {
      processNs:
        "1 s / 460 K: the spec's 4 KiB random read IOPS taken as the controller's command rate (docs/references.md [p3700-spec], Intel 330566-005US)",
      dies: "assumption: 18 channels with several dies each, more media parallelism than 4 KiB random reads use, so the controller sets the ceiling",
      readLatency:
        "assumption: 2014 MLC page read ~70 us median (AnandTech's measured QD1 latency is kept for validation, not used here)",
      writeLatency:
        "spec 'typical latency 20 us' (writes land in the controller's buffer; docs/references.md [p3700-spec])",
      linkBytesPerSec: "spec 2800 MB/s sequential read (docs/references.md [p3700-spec])",
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
    linkBytesPerSec: 2_400_000_000,
    synchronousIo: false,
    sources: {
      readLatency: "assumption: ~7 us media read, so that with the host path QD1 lands near Intel's 10 us figure",
      dies: "assumption: 7 parallel units, ~1 M IOPS ceiling (AnandTech's QD16 figure is kept for validation)",
      linkBytesPerSec: "assumption: 2.4 GB/s, the product brief's sequential read",
      fetchNs: "assumption: ~0.7 us doorbell to fetch",
      processNs: "assumption: ~0.5 us per command",
      writeLatency: "assumption: reads and writes alike on 3D XPoint",
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
    linkBytesPerSec: 7_200_000_000,
    synchronousIo: false,
    sources: {
      readLatency:
        "sized so device time plus a polled host path is ~3.4 us, Axboe's polled QD1 512 B read (docs/references.md [axboe-optane2])",
      dies: "assumption: ~4.6 M IOPS device ceiling, above the ~2.6 M one core reached (docs/references.md [axboe-optane2])",
      linkBytesPerSec: "assumption: PCIe 4.0 x4 ~7.2 GB/s",
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
    linkBytesPerSec: 14_000_000_000,
    synchronousIo: false,
    sources: {
      dies: "sized so dies / median read latency = 3.3 M IOPS, the vendor's random read (docs/references.md [micron-9550])",
      readLatency: "assumption: TLC page read ~60 us median",
      writeLatency: "assumption: writes buffered, ~15 us",
      linkBytesPerSec: "vendor 14 GB/s sequential read (docs/references.md [micron-9550])",
      fetchNs: "assumption",
      processNs: "assumption",
    },
  },
  ram: {
    name: "ram",
    description: "RAM-backed device like null_blk or brd: fixed completion time",
    fetchNs: 0,
    processNs: 0,
    dies: 1024,
    readLatency: { kind: "constant", a: 10_000, b: 0 },
    writeLatency: { kind: "constant", a: 10_000, b: 0 },
    linkBytesPerSec: 0,
    synchronousIo: true,
    sources: {
      readLatency: "null_blk completion_nsec default 10,000 ns (docs/references.md [null_blk])",
      writeLatency: "null_blk completion_nsec default 10,000 ns (docs/references.md [null_blk])",
      dies: "no media contention: one unit per command in flight",
      linkBytesPerSec: "no ceiling",
      fetchNs: "none: completion timing is the whole device",
      processNs: "none",
    },
  },
};

export const PRESET_NAMES = Object.keys(PRESETS);
