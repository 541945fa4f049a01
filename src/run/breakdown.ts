// One I/O's life, stage by stage, as the mean over the run's I/Os: when it
// reached the next stage (the engine stamps each I/O when the controller
// fetches it and when its CQE is posted, and counts its submission and the
// host's completion) and the CPU each stage took (its step groups' charges).
// `nvmesim run --breakdown` prints it as text, report.html and the notebook's
// breakdown(result) draw it as a waterfall.
import type { RunConfig } from "../model/config";
import { PRESETS } from "../model/presets";
import type { SimStatsValues } from "../wasm/engine";
import type { StageName } from "./simulate";

export interface Stage {
  stage: string;
  /** What happens in it. */
  what: string;
  /** Mean time in the stage per I/O, ns (where it starts, counted from the submission's start: `startNs`). */
  latencyNs: number;
  startNs: number;
  /** Host CPU per I/O for the stage's work, ns. */
  cpuNs: number;
}

export interface Breakdown {
  /** The I/Os the stages are the means of (completed by the host). */
  ios: number;
  stages: Stage[];
}

/** The stages of the run's mean I/O, from the engine's counts and stamps and the CPU per stage. */
export function breakdownOf(stats: SimStatsValues, cpu: Record<StageName, number>, config: RunConfig): Breakdown {
  const n = stats.stageN;
  const ios = stats.iosRead + stats.iosWrite;
  const per = (sum: number, count = n) => (count > 0 ? sum / count : 0);
  const slat = per(stats.slatSumRead + stats.slatSumWrite, ios);
  const toDoorbell = per(stats.stageToDoorbellNs);
  const fetch = PRESETS[config.device.preset].fetchNs;
  const device = per(stats.stageDeviceNs);
  const host = per(stats.stageHostNs);
  const lat = per(stats.latSumRead + stats.latSumWrite, ios);
  const polled = config.switches.polled;
  const rows: Omit<Stage, "startNs">[] = [
    {
      stage: "submit",
      what: "the program's call and the kernel's submission, to the driver done with it (fio's slat)",
      latencyNs: slat,
      cpuNs: per(cpu.submit, ios),
    },
    {
      stage: "doorbell",
      what: "waiting for the rest of its plug, then the SQ doorbell write",
      latencyNs: Math.max(0, toDoorbell - slat),
      cpuNs: per(cpu.doorbell, ios),
    },
    {
      stage: "fetch",
      what: "the doorbell's way to the controller and the command's fetch",
      latencyNs: fetch,
      cpuNs: 0,
    },
    {
      stage: "device",
      what: "the controller's queue and work, the media, the data's transfer, the CQE posted",
      latencyNs: device,
      cpuNs: 0,
    },
    {
      stage: polled ? "poll" : "interrupt",
      what: polled
        ? "the CQE found by a polling pass, the request ended (its CPU counts the spinning while the device works)"
        : "the interrupt's delivery (and the CPU's idle exit), the handler's pass, the request ended",
      latencyNs: host,
      cpuNs: per(cpu.completion, ios),
    },
    {
      stage: "seen",
      what: "until the program sees it: a sleeper's wake-up, a busy thread's turn, the reaping call",
      latencyNs: Math.max(0, lat - toDoorbell - fetch - device - host),
      cpuNs: per(cpu.seen, ios),
    },
  ];
  let at = 0;
  const stages = rows.map((r) => {
    const s = { ...r, startNs: at };
    at += r.latencyNs;
    return s;
  });
  return { ios: n, stages };
}

/** The breakdown as text: one line per stage, its time and CPU per I/O, and a bar of where it falls. */
export function breakdownText(b: Breakdown, label: string): string[] {
  const total = b.stages.reduce((s, x) => s + x.latencyNs, 0);
  const width = 40;
  const us = (ns: number) => (ns / 1000).toFixed(2).padStart(8);
  return [
    `${label}: one I/O's life, the mean of ${b.ios} (us from its submission; CPU ns per I/O)`,
    ...b.stages.map((s) => {
      const from = total ? Math.round((s.startNs / total) * width) : 0;
      const len = total ? Math.max(s.latencyNs > 0 ? 1 : 0, Math.round((s.latencyNs / total) * width)) : 0;
      const bar = " ".repeat(from) + "#".repeat(Math.min(len, width - from));
      return `  ${s.stage.padEnd(10)} ${us(s.latencyNs)} us  cpu ${s.cpuNs.toFixed(0).padStart(6)} ns  |${bar.padEnd(width)}|  ${s.what}`;
    }),
  ];
}
