// Goal: nothing of nvmesim's is left on the machine, even after SIGKILL (which runs no cleanup). What a dead
// nvmesim made — a loop device over its (unlinked) file, a cgroup with a process in it, a process naming its
// folder, a zram swap area labelled with its pid, its folders — is removed by `measure --cleanup`, and what a
// live one made is not. After `kill -9` of `measure --perf` or `measure swap --perf`, the watchdog removes
// all of it within seconds; with the watchdog gone too, the next `--cleanup` does.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REAL_SYSTEM } from "../../src/measure/system";
import { ROOT } from "../../src/wasm/build";
import { spawnCli } from "../cli/run-cli";
import { canMeasure, canSwap, leftovers, until, whyNot, whyNoSwap, alone } from "./machine";

const CPUACCT = "/sys/fs/cgroup/cpuacct";
const canMake = canMeasure && existsSync(CPUACCT);

/** A pid no process has now (one that just ended). */
function deadPid(): number {
  const r = spawnSync("sh", ["-c", "echo $$"], { encoding: "utf8" });
  return Number(r.stdout.trim());
}

const sh = (script: string) => {
  const r = spawnSync("sh", ["-c", script], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${script}: ${r.stderr}`);
  return r.stdout.trim();
};

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, "utf8").includes(") Z ");
  } catch {
    return false;
  }
};

describe("measure --cleanup", () => {
  it.skipIf(!canMake)(
    `removes what a dead nvmesim made and nothing of a live one's${whyNot}`,
    () =>
      alone(async () => {
        const dead = deadPid();
        // A dead nvmesim's: a folder with a file under a loop device, unlinked; a cgroup with a process in it; a
        // process naming its folder.
        const dir = mkdtempSync(join(tmpdir(), `nvmesim-measure-${dead}-0-`));
        writeFileSync(join(dir, "backing.img"), Buffer.alloc(1 << 20, 7));
        const loop = sh(`losetup --find --show ${join(dir, "backing.img")}`);
        rmSync(join(dir, "backing.img"));
        const cgroup = join(CPUACCT, `nvmesim-${dead}-0-fio`);
        mkdirSync(cgroup);
        const inCgroup = spawn("sh", ["-c", `echo $$ > ${cgroup}/cgroup.procs; exec sleep 600`], { stdio: "ignore" });
        const naming = spawn("sh", ["-c", "sleep 600; : $0", `${dir}/perf.data`], { stdio: "ignore" });
        // A zram swap area labelled with the dead pid (where zram is).
        let zram: string | undefined;
        if (canSwap) {
          const id = readFileSync("/sys/class/zram-control/hot_add", "utf8").trim();
          zram = `/dev/zram${id}`;
          writeFileSync(`/sys/block/zram${id}/disksize`, String(16 << 20));
          sh(`mkswap -L nvmesim-${dead} ${zram} && swapon -p 1 ${zram}`);
        }
        // A live nvmesim's (this process, with its real start time): kept.
        const start = readFileSync(`/proc/${process.pid}/stat`, "utf8").split(") ")[1].split(" ")[19];
        const live = mkdtempSync(join(tmpdir(), `nvmesim-measure-${process.pid}-${start}-`));
        try {
          await until(() => readFileSync(`${cgroup}/cgroup.procs`, "utf8").trim() !== "", 5000);
          const r = spawnCli("measure", "--cleanup");
          expect(r.code, r.stdout + r.stderr).toBe(0);
          expect(r.stdout).toContain(`removed loop device ${loop} over ${dir}/backing.img (deleted)`);
          expect(r.stdout).toContain(`removed cgroup ${cgroup}`);
          expect(r.stdout).toContain(`removed folder ${dir}`);
          if (zram) expect(r.stdout).toContain(`removed swap area ${zram} (nvmesim-${dead})`);
          expect(REAL_SYSTEM.runSync("losetup", ["-a"]).stdout).not.toContain(dir);
          expect(existsSync(cgroup) || existsSync(dir)).toBe(false);
          if (zram) {
            expect(readFileSync("/proc/swaps", "utf8")).not.toContain(`${zram} `);
            expect(existsSync(`/sys/block/${zram.slice(5)}`)).toBe(false);
          }
          expect(await until(() => !alive(inCgroup.pid!) && !alive(naming.pid!), 5000)).toBe(true);
          expect(existsSync(live)).toBe(true);
          expect(spawnCli("measure", "--cleanup").stdout).toBe("nothing of nvmesim's was left\n");
        } finally {
          rmSync(live, { recursive: true, force: true });
          inCgroup.kill("SIGKILL");
          naming.kill("SIGKILL");
        }
      }),
    60_000,
  );
});

/** Starts `nvmesim ...args`, waits for `ready`, then SIGKILLs it; with `killWatchdog`, its watchdog first. */
async function killNine(args: string[], ready: () => boolean, killWatchdog: boolean): Promise<void> {
  const child = spawn(process.execPath, [join(ROOT, "src/cli/bin.js"), ...args], { stdio: "ignore" });
  const exited = new Promise((r) => child.on("exit", r));
  expect(await until(ready, 60_000), "the measurement started").toBe(true);
  await new Promise((r) => setTimeout(r, 500));
  if (killWatchdog) sh(`pkill -KILL -f -- '--cleanup --owner ${child.pid}$'`);
  child.kill("SIGKILL");
  await exited;
}

const loopAttached = () => REAL_SYSTEM.runSync("losetup", ["-a"]).stdout.includes("nvmesim-measure-");
const zramSwapping = () => readFileSync("/proc/swaps", "utf8").includes("zram") && existsSync("/sys/fs/cgroup/memory");

describe("kill -9", () => {
  const measureArgs = ["measure", "--target", "loop", "--perf", "--number-ios", "100000000", "--size", "32m"];

  it.skipIf(!canMeasure)(
    `of measure --perf: the watchdog removes the loop device, the processes, the cgroup and the folder${whyNot}`,
    () =>
      alone(async () => {
        const before = leftovers();
        await killNine(measureArgs, loopAttached, false);
        expect(await until(() => leftovers() === before, 20_000)).toBe(true);
        expect(REAL_SYSTEM.runSync("pgrep", ["-f", "fio --name=nvmesim"]).stdout).toBe("");
      }),
    90_000,
  );

  it.skipIf(!canMeasure)(
    `of measure --perf and its watchdog: the next --cleanup removes everything${whyNot}`,
    () =>
      alone(async () => {
        const before = leftovers();
        await killNine(measureArgs, loopAttached, true);
        await new Promise((r) => setTimeout(r, 1000));
        expect(leftovers()).not.toBe(before); // left behind, for now
        expect(spawnCli("measure", "--cleanup").code).toBe(0);
        expect(leftovers()).toBe(before);
        expect(await until(() => REAL_SYSTEM.runSync("pgrep", ["-f", "fio --name=nvmesim"]).stdout === "", 5000)).toBe(
          true,
        );
      }),
    90_000,
  );

  it.skipIf(!canSwap)(
    `of measure swap --perf: no swap area, zram device, cgroup or folder of its own is left${whyNoSwap}`,
    () =>
      alone(async () => {
        const before = leftovers();
        await killNine(["measure", "swap", "--seconds", "60", "--perf"], zramSwapping, false);
        expect(await until(() => leftovers() === before, 30_000)).toBe(true);
      }),
    90_000,
  );
});
