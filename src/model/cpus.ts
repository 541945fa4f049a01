// Host CPU presets: the core's speed against the seed's CPU (every step's cost
// divides by it, run-costs.ts), and what the machine adds to an I/O's latency
// without doing CPU work for it (interrupt delivery, leaving an idle state),
// with the source of each figure. The CPUs are the seed's and those the
// published figures of today's hosts name (docs/references.md).
import type { FigureId } from "./figures";

export interface IdleState {
  name: string;
  /** Time to leave the state, ns. */
  exitNs: number;
  /** Idle time the state needs to pay off, ns (the governor takes it only for longer idles). */
  residencyNs: number;
}

export interface CpuPreset {
  name: string;
  description: string;
  /** The core's clock for this work, GHz (its single-core turbo, or the fixed clock its figures were measured at;
   * 0 where no source gives it and the speed comes from elsewhere). */
  clockGhz: number;
  /** Kernel work per second against the seed's CPU (assumption E1 of docs/calibration.md: the clock's ratio,
   * unless a measurement of this work on two CPUs says otherwise). */
  speed: number;
  /** From the device's MSI-X write to the first instruction of the handler, ns (latency only, not CPU work). */
  irqDeliveryNs: number;
  /** Idle states, shallowest first (intel_idle's table for the CPU). */
  idleStates: IdleState[];
  sources: Record<string, string>;
  /** The published figures it was set from. */
  uses: FigureId[];
}

export const CPUS: Record<string, CpuPreset> = {
  "xeon-e5-v2": {
    name: "xeon-e5-v2",
    description: "Intel Xeon E5 v2 (Ivy Bridge-EP, 2013-2014): the seed's era",
    clockGhz: 3.6,
    speed: 1,
    irqDeliveryNs: 500,
    idleStates: [
      { name: "C1", exitNs: 1_000, residencyNs: 1_000 },
      { name: "C1E", exitNs: 10_000, residencyNs: 80_000 },
      { name: "C3", exitNs: 59_000, residencyNs: 156_000 },
      { name: "C6", exitNs: 82_000, residencyNs: 300_000 },
    ],
    sources: {
      description:
        "assumption: the seed does not name its CPU; a two-socket Xeon E5 v2 was Intel's server part of late 2014",
      idleStates:
        "Linux drivers/idle/intel_idle.c, ivt_cstates (exit_latency and target_residency, us; docs/references.md [intel-idle])",
      irqDeliveryNs:
        "assumption: a posted MSI-X write upstream over PCIe and the local APIC's delivery, ~0.5 us; no published figure for this CPU",
      clockGhz:
        "assumption: the E5-2690 v2, the line's top part, at its 3.6 GHz single-core turbo (docs/references.md [cpu-clocks])",
      speed: "1: the CPU every other speed is against (the seed's table is priced on it)",
    },
    uses: ["intel-idle-ivt"],
  },
  ...later({
    name: "core-i5-8500",
    description: "Intel Core i5-8500 (Coffee Lake-S, 2018) at a fixed 3.0 GHz, as XRP ran it (turbo and C-states off)",
    clockGhz: 3.0,
    idleStates: [],
    sources: {
      clockGhz: "3.00 GHz base, turbo off in XRP's setup (docs/references.md [xrp], [cpu-clocks])",
      idleStates: "none: XRP disabled C-states",
    },
  }),
  ...later({
    name: "xeon-silver-4210r",
    description: "Intel Xeon Silver 4210R (Cascade Lake-SP, 2020) at a fixed 2.4 GHz, as Ren and Trivedi ran it",
    clockGhz: 2.4,
    idleStates: [
      { name: "C1", exitNs: 2_000, residencyNs: 2_000 },
      { name: "C1E", exitNs: 10_000, residencyNs: 20_000 },
      { name: "C6", exitNs: 133_000, residencyNs: 600_000 },
    ],
    sources: {
      clockGhz: "2.4 GHz with turbo off, as the paper's setup states (docs/references.md [ren-2023])",
      idleStates: "Linux drivers/idle/intel_idle.c skx_cstates (docs/references.md [intel-idle])",
    },
  }),
  ...later({
    name: "ryzen-9-5950x",
    description: "AMD Ryzen 9 5950X (Zen 3, 2020): Jens Axboe's test box of October 2021",
    clockGhz: 4.9,
    idleStates: [
      { name: "C1", exitNs: 1_000, residencyNs: 1_000 },
      { name: "C2", exitNs: 18_000, residencyNs: 54_000 },
    ],
    sources: {
      clockGhz: "4.9 GHz rated boost (docs/references.md [cpu-clocks])",
      idleStates:
        "assumption: acpi_idle from the firmware's _CST, whose values for this CPU no source states; C2 at 18 us as other AMD parts report, its residency 3x the latency as acpi_idle sets it (docs/references.md [intel-idle])",
    },
  }),
  ...later({
    name: "threadripper-3970x",
    description:
      "AMD Ryzen Threadripper 3970X (Zen 2, 2019): Jens Axboe's core-limited box of 2021, before he moved to the 5950X",
    clockGhz: 0,
    // [axboe-2021-nops]: io_uring's own work on one tree, 47.0 M no-op requests a second against the 5950X's 70.3 M.
    speed: (4.9 / 3.6) * (47.0 / 70.3),
    uses: ["axboe-2021-nops"],
    idleStates: [
      { name: "C1", exitNs: 1_000, residencyNs: 1_000 },
      { name: "C2", exitNs: 18_000, residencyNs: 54_000 },
    ],
    sources: {
      clockGhz: "none: no source read for its clock; its speed is measured",
      idleStates: "assumption: as the 5950X's (acpi_idle)",
      speed:
        "the 5950X's times 47.0 M / 70.3 M, the no-op requests a second each did on one thread of the same io_uring tree (docs/references.md [axboe-2021-nops])",
    },
  }),
  ...later({
    name: "core-i9-12900k",
    description: "Intel Core i9-12900K (Alder Lake-S, 2021), a P-core: Jens Axboe's test box from 2022",
    clockGhz: 5.2,
    idleStates: [
      { name: "C1E", exitNs: 2_000, residencyNs: 4_000 },
      { name: "C6", exitNs: 220_000, residencyNs: 600_000 },
      { name: "C8", exitNs: 280_000, residencyNs: 800_000 },
      { name: "C10", exitNs: 680_000, residencyNs: 2_000_000 },
    ],
    sources: {
      clockGhz: "5.2 GHz P-core boost (docs/references.md [cpu-clocks])",
      idleStates: "Linux drivers/idle/intel_idle.c adl_cstates, C1 unused by default (docs/references.md [intel-idle])",
    },
  }),
  ...later({
    name: "xeon-platinum-8380",
    description: "Intel Xeon Platinum 8380 (Ice Lake-SP, 2021) at its 2.3 GHz base clock",
    clockGhz: 2.3,
    idleStates: [
      { name: "C1", exitNs: 1_000, residencyNs: 1_000 },
      { name: "C1E", exitNs: 4_000, residencyNs: 4_000 },
      { name: "C6", exitNs: 170_000, residencyNs: 600_000 },
    ],
    sources: {
      clockGhz:
        "2.30 GHz base; no turbo figure was found in a source, so none is assumed (docs/references.md [cpu-clocks])",
      idleStates: "Linux drivers/idle/intel_idle.c icx_cstates (docs/references.md [intel-idle])",
    },
  }),
};

/** A later CPU's preset: its speed the clock's ratio to the seed's (E1) unless measured, interrupt delivery as
 * the seed's. */
function later(
  p: Pick<CpuPreset, "name" | "description" | "clockGhz" | "idleStates" | "sources"> &
    Partial<Pick<CpuPreset, "speed" | "uses">>,
): Record<string, CpuPreset> {
  const seedClockGhz = 3.6;
  return {
    [p.name]: {
      ...p,
      speed: p.speed ?? p.clockGhz / seedClockGhz,
      irqDeliveryNs: 500,
      sources: {
        speed: `assumption E1: the clock's ratio to the seed's ${seedClockGhz} GHz (no published comparison of these cores on kernel I/O work)`,
        ...p.sources,
        irqDeliveryNs: "assumption: as the seed's CPU, ~0.5 us",
      },
      uses: p.uses ?? [],
    },
  };
}

export const CPU_NAMES = Object.keys(CPUS);
