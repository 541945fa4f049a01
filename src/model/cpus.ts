// Host CPU presets: what the machine adds to an I/O's latency without doing
// CPU work for it (interrupt delivery, leaving an idle state), with the source
// of each figure. The CPU time of each kernel step is the cost table's
// (calibration.ts): the seed's machine, 2014.
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
    },
    uses: ["intel-idle-ivt"],
  },
};

export const CPU_NAMES = Object.keys(CPUS);
