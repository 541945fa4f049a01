// A one-node Slurm of our own, from Debian's slurm-wlm, in a temporary directory: munged with a generated
// key and its own socket, slurmctld and slurmd with a generated slurm.conf on free ports. Nothing of the
// machine's is used or touched (no /etc/slurm, no /run/munge, no systemd); stop() cancels every job, stops
// the daemons by the PIDs they wrote, and removes the directory, and runs on every way out of the process.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from "node:fs";
import { createServer } from "node:net";
import { hostname } from "node:os";
import { join } from "node:path";

const DAEMONS = [
  "/usr/sbin/munged",
  "/usr/sbin/mungekey",
  "/usr/sbin/slurmctld",
  "/usr/sbin/slurmd",
  "/usr/bin/sbatch",
];

/** Why Slurm cannot start here, or undefined when it can. */
export function slurmMissing(): string | undefined {
  if (process.getuid?.() !== 0) return "slurmd must run as root to start jobs, and this is not root";
  const absent = DAEMONS.filter((f) => !existsSync(f));
  if (absent.length) return `Debian's slurm-wlm and munge are not installed (${absent.join(", ")} missing)`;
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => done(port));
    });
  });
}

export interface SlurmCluster {
  dir: string;
  /** The environment for sbatch, squeue, scancel: SLURM_CONF pointing at our slurm.conf. */
  env: NodeJS.ProcessEnv;
  /** Runs a Slurm command; its stdout. */
  run(cmd: string, args: string[]): string;
  /** Waits until no job is pending or running. */
  drain(timeoutMs: number): Promise<void>;
  stop(): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startSlurm(): Promise<SlurmCluster> {
  // In /tmp itself, not the tests' private TMPDIR: munged wants every directory on its socket's path
  // searchable by all.
  const dir = mkdtempSync("/tmp/nvmesim-slurm-");
  chmodSync(dir, 0o755);
  for (const d of ["state", "spool", "log", "run"]) mkdirSync(join(dir, d), { mode: 0o755 });
  const pids = () =>
    ["slurmd", "slurmctld", "munged"].flatMap((name) => {
      const file = join(dir, "run", `${name}.pid`);
      const pid = existsSync(file) ? Number(readFileSync(file, "utf8").trim()) : NaN;
      return Number.isInteger(pid) && pid > 0 ? [pid] : [];
    });
  const socket = join(dir, "run", "munge.sock");
  const conf = join(dir, "slurm.conf");
  const env: NodeJS.ProcessEnv = { ...process.env, SLURM_CONF: conf };
  for (const k of Object.keys(env)) if (k.startsWith("SLURM_") && k !== "SLURM_CONF") delete env[k];
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    process.off("exit", stop);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    if (existsSync(conf)) spawnSync("/usr/bin/scancel", ["--full", "--user", "root"], { env, stdio: "ignore" });
    // slurmd first (it ends the steps it started), then slurmctld, then munged; each by the PID it wrote.
    for (const pid of pids()) {
      try {
        process.kill(pid, "SIGTERM");
      } catch {
        // already gone
      }
      for (let i = 0; i < 50 && alive(pid); i++) spawnSync("/bin/sleep", ["0.1"]);
      if (alive(pid)) process.kill(pid, "SIGKILL");
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const onSignal = () => {
    stop();
    process.exit(130);
  };
  process.on("exit", stop);
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    execFileSync("/usr/sbin/mungekey", ["--create", `--keyfile=${join(dir, "munge.key")}`]);
    execFileSync("/usr/sbin/munged", [
      `--socket=${socket}`,
      `--key-file=${join(dir, "munge.key")}`,
      `--log-file=${join(dir, "log", "munged.log")}`,
      `--pid-file=${join(dir, "run", "munged.pid")}`,
      `--seed-file=${join(dir, "run", "munged.seed")}`,
    ]);
    const host = hostname().split(".")[0];
    const [ctld, slurmd] = [await freePort(), await freePort()];
    writeFileSync(join(dir, "plugstack.conf"), "");
    writeFileSync(
      conf,
      [
        "ClusterName=nvmesimtest",
        `SlurmctldHost=${host}(127.0.0.1)`,
        "SlurmUser=root",
        "SlurmdUser=root",
        "AuthType=auth/munge",
        "CredType=cred/munge",
        `AuthInfo=socket=${socket}`,
        `SlurmctldPort=${ctld}`,
        `SlurmdPort=${slurmd}`,
        `StateSaveLocation=${join(dir, "state")}`,
        `SlurmdSpoolDir=${join(dir, "spool")}`,
        `SlurmctldPidFile=${join(dir, "run", "slurmctld.pid")}`,
        `SlurmdPidFile=${join(dir, "run", "slurmd.pid")}`,
        `SlurmctldLogFile=${join(dir, "log", "slurmctld.log")}`,
        `SlurmdLogFile=${join(dir, "log", "slurmd.log")}`,
        `PlugStackConfig=${join(dir, "plugstack.conf")}`,
        "ProctrackType=proctrack/linuxproc",
        "TaskPlugin=task/none",
        "SchedulerType=sched/builtin",
        "SelectType=select/cons_tres",
        "SelectTypeParameters=CR_CPU",
        "ReturnToService=2",
        "MpiDefault=none",
        "JobAcctGatherType=jobacct_gather/none",
        "AccountingStorageType=accounting_storage/none",
        "SwitchType=switch/none",
        // The node says 4 CPUs (config_overrides: more than the VM's 2), so a 3-task array runs at once.
        "SlurmdParameters=config_overrides",
        `NodeName=${host} NodeAddr=127.0.0.1 CPUs=4 RealMemory=4000 State=UNKNOWN`,
        `PartitionName=test Nodes=${host} Default=YES MaxTime=INFINITE State=UP`,
        "",
      ].join("\n"),
    );
    execFileSync("/usr/sbin/slurmctld", ["-f", conf], { env });
    execFileSync("/usr/sbin/slurmd", ["-f", conf], { env });
    const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { env, encoding: "utf8" });
    for (let i = 0; ; i++) {
      const state = spawnSync("/usr/bin/sinfo", ["-h", "-o", "%T"], { env, encoding: "utf8" }).stdout.trim();
      if (state === "idle") break;
      if (i > 150) throw new Error(`Slurm did not come up (node state '${state}'); see ${dir}/log`);
      await sleep(200);
    }
    const drain = async (timeoutMs: number) => {
      const until = performance.now() + timeoutMs;
      while (run("/usr/bin/squeue", ["-h", "-o", "%i"]).trim() !== "") {
        if (performance.now() > until)
          throw new Error(`jobs still queued after ${timeoutMs} ms:\n${run("/usr/bin/squeue", [])}`);
        await sleep(250);
      }
    };
    return { dir, env, run, drain, stop };
  } catch (err) {
    const logs = ["munged.log", "slurmctld.log", "slurmd.log"]
      .map((f) => join(dir, "log", f))
      .filter(existsSync)
      .map((f) => `${f}:\n${readFileSync(f, "utf8").split("\n").slice(-8).join("\n")}`);
    stop();
    throw new Error(`${(err as Error).message}\n${logs.join("\n")}`);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
