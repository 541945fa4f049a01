// What a measurement puts on the machine, named so that it can be found again
// after nvmesim is killed (SIGKILL runs no cleanup): every folder, cgroup and
// loop device's backing file carries the pid of the nvmesim that made it and
// that process's start time (so a reused pid is not taken for it), and every
// swap area its pid in its label. `sweepLeftovers` removes what belongs to an
// nvmesim that is no longer running — its processes first (everything in its
// cgroups, and anything still naming its folders), then its swap areas and
// zram devices, its loop devices, its cgroups and its folders — and never
// anything else.
import { existsSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { listDir as list, procStat } from "./procfs";
import type { System } from "./system";

/** The kinds of folder a measurement makes: `nvmesim-<kind>-<pid>-XXXXXX`. */
type DirKind = "measure" | "swap";

/** Folders nvmesim's measurements make live in these (tmpfs loop targets in /dev/shm). */
export const SHM_DIR = "/dev/shm";
const DIR_BASES = () => [tmpdir(), SHM_DIR];
const OWN_DIR = /^nvmesim-(?:measure|swap)-(\d+)-(\d+)-/;
const OWN_CGROUP = /^nvmesim-(\d+)-(\d+)-/;
const OWN_LABEL = /^nvmesim-(\d+)$/;
/** cgroup hierarchies nvmesim makes cgroups in (v1 memory and cpuacct, or the v2 tree). */
export const CGROUP_ROOTS = [
  "/sys/fs/cgroup/memory",
  "/sys/fs/cgroup/cpuacct",
  "/sys/fs/cgroup/unified",
  "/sys/fs/cgroup",
];

/** When process `pid` started, in clock ticks since boot (/proc/PID/stat's 22nd field); undefined if it is gone. */
const startTicks = (pid: number): string | undefined => procStat(pid)?.fields[19];

/** This process as names carry it: pid and start time. */
const ownTag = () => `${process.pid}-${startTicks(process.pid) ?? 0}`;

/** A new folder of this nvmesim's, under `base` (the system's temporary folder by default). */
export function makeOwnDir(kind: DirKind, base = tmpdir()): string {
  return mkdtempSync(join(base, `nvmesim-${kind}-${ownTag()}-`));
}

/** The name of a cgroup of this nvmesim's. */
export function ownCgroupName(what: string): string {
  return `nvmesim-${ownTag()}-${what}`;
}

/** The label mkswap gives a swap area of this nvmesim's. */
export function ownSwapLabel(): string {
  return `nvmesim-${process.pid}`;
}

/**
 * Whether the owner a name records (pid, and start time where the name has room for it) is gone. A pid
 * reused by another process counts as gone only when the start time shows it: in doubt, nothing is removed.
 */
const deadOwner = (m: RegExpExecArray | null, only?: number) => {
  if (m === null || (only !== undefined && Number(m[1]) !== only)) return false;
  const started = startTicks(Number(m[1]));
  return started === undefined || (m[2] !== undefined && started !== m[2]);
};

const sleepMs = (sys: System, ms: number) => sys.runSync("sleep", [String(ms / 1000)]);

/** Kills every process in `cgroup` and waits (up to 5 s) until it is empty. */
function emptyCgroup(cgroup: string, sys: System): void {
  for (let round = 0; round < 50; round++) {
    let pids: number[];
    try {
      pids = readFileSync(join(cgroup, "cgroup.procs"), "utf8").split("\n").filter(Boolean).map(Number);
    } catch {
      return;
    }
    if (!pids.length) return;
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    sleepMs(sys, 100);
  }
}

/** Kills what is left in `cgroup` (processes still exiting after a stop), then removes it; gone already is fine. */
export function removeCgroup(cgroup: string, sys: System): void {
  if (!existsSync(cgroup)) return;
  emptyCgroup(cgroup, sys);
  rmdirSync(cgroup);
}

/** The processes whose command line names one of `dirs` (a perf writing there, a program built there). */
function processesNaming(dirs: string[]): number[] {
  if (!dirs.length) return [];
  return list("/proc")
    .filter((n) => /^\d+$/.test(n) && Number(n) !== process.pid)
    .filter((n) => {
      try {
        const cmd = readFileSync(`/proc/${n}/cmdline`, "utf8");
        return dirs.some((d) => cmd.includes(d));
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** The swap label of `device`, or undefined (util-linux's swaplabel; read only). */
function swapLabel(device: string, sys: System): string | undefined {
  const r = sys.runSync("swaplabel", [device]);
  return /^LABEL:\s*(\S+)/m.exec(r.stdout)?.[1];
}

/**
 * Removes what an nvmesim that is no longer running left behind (only that of `owner`, when given);
 * returns one line for each thing removed. Safe to run while other nvmesim measurements run.
 */
export function sweepLeftovers(sys: System, owner?: number): string[] {
  const removed: string[] = [];
  const attempt = (what: string, fn: () => void) => {
    try {
      fn();
      removed.push(what);
    } catch (err) {
      removed.push(`could not remove ${what}: ${(err as Error).message}`);
    }
  };
  // 1. Processes: everything in a dead nvmesim's cgroups, and whatever still names its folders.
  const cgroups = CGROUP_ROOTS.filter((r, i, all) => existsSync(r) && all.indexOf(r) === i).flatMap((root) =>
    list(root)
      .filter((n) => deadOwner(OWN_CGROUP.exec(n), owner))
      .map((n) => join(root, n)),
  );
  for (const cg of cgroups) emptyCgroup(cg, sys);
  const dirs = DIR_BASES().flatMap((base) =>
    list(base)
      .filter((n) => deadOwner(OWN_DIR.exec(n), owner))
      .map((n) => join(base, n)),
  );
  for (const pid of processesNaming(dirs))
    attempt(`process ${pid}`, () => {
      process.kill(pid, "SIGKILL");
    });
  // 2. Swap areas labelled by a dead nvmesim, and their zram devices.
  const zramSwaps = list("/sys/block")
    .filter((n) => /^zram\d+$/.test(n))
    .filter((n) => Number(readFileSync(`/sys/block/${n}/disksize`, "utf8")) > 0)
    .map((n) => `/dev/${n}`);
  const swaps = readFileSync("/proc/swaps", "utf8")
    .split("\n")
    .slice(1)
    .map((l) => l.split(/\s+/)[0])
    .filter(Boolean);
  for (const device of [...new Set([...swaps, ...zramSwaps])]) {
    const label = swapLabel(device, sys);
    if (!label || !deadOwner(OWN_LABEL.exec(label), owner)) continue;
    if (swaps.includes(device))
      attempt(`swap area ${device} (${label})`, () => {
        let r = sys.runSync("swapoff", [device]);
        for (let tries = 1; r.status !== 0 && tries < 20; tries++) {
          sleepMs(sys, 300);
          r = sys.runSync("swapoff", [device]);
        }
        if (r.status !== 0 && readFileSync("/proc/swaps", "utf8").includes(`${device} `))
          throw new Error(r.stderr.trim());
      });
    const zram = /^\/dev\/zram(\d+)$/.exec(device);
    if (zram)
      attempt(`zram device ${device}`, () => {
        writeFileSync(`/sys/block/zram${zram[1]}/reset`, "1");
        writeFileSync("/sys/class/zram-control/hot_remove", zram[1]);
      });
  }
  // 3. Loop devices over a dead nvmesim's backing files (unlinked: "(deleted)").
  for (const loop of list("/sys/block").filter((n) => /^loop\d+$/.test(n))) {
    let backing: string;
    try {
      backing = readFileSync(`/sys/block/${loop}/loop/backing_file`, "utf8").trim();
    } catch {
      continue;
    }
    const base = backing.split("/").find((part) => OWN_DIR.test(part));
    if (!base || !deadOwner(OWN_DIR.exec(base), owner)) continue;
    attempt(`loop device /dev/${loop} over ${backing}`, () => {
      const r = sys.runSync("losetup", ["--detach", `/dev/${loop}`]);
      if (r.status !== 0) throw new Error(r.stderr.trim());
    });
  }
  // 4. Its cgroups (empty now) and its folders.
  for (const cg of cgroups) attempt(`cgroup ${cg}`, () => rmdirSync(cg));
  for (const dir of dirs) attempt(`folder ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  return removed;
}
