// Goal: `nvmesim measure` runs what `nvmesim run` would simulate, for real, and touches nothing it did not
// create: the fio-job translation, the perf-report parser (on a report recorded on this project's machine),
// the symbol-to-layer table, cleanup on every way a measurement can fail, and the refusals. Where the
// machine allows it (root, fio, perf, losetup), a real loop-device measurement under perf; elsewhere that
// test is skipped and says why.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validateConfig } from "../../src/model/config";
import { layerOfSymbol } from "../../src/model/symbols";
import { fioArgs, fioJob, FioJobError, fioJobFile } from "../../src/measure/fio-job";
import { fioFailure, measure, measuredFromFiles, perfRefusal } from "../../src/measure/measure";
import { layerShares, parsePerfReport, PerfReportError } from "../../src/measure/perf-report";
import { MeasureRefused, REAL_SYSTEM, type Ran, type System } from "../../src/measure/system";
import { ROOT } from "../../src/wasm/build";
import { runCli, spawnCli } from "../cli/run-cli";
import { canMeasure, fakeSystem, leftovers, until, whyNot, alone } from "./machine";

const FIXTURE = join(ROOT, "test/fixtures/perf/loop-randread-6.18.txt");
const FIO_FIXTURE = join(ROOT, "test/fixtures/perf/loop-randread-6.18.fio.json");

describe("the fio job", () => {
  it("carries the fio-like workload over with fio's names, and says what it leaves out", () => {
    const c = validateConfig({
      seed: 7,
      workload: { rw: "randrw", rwmixread: 70, bs: "8k", iodepth: 16, numjobs: 2, size: "64m", number_ios: 1001 },
    });
    const job = fioJob(c, "/dev/loop9");
    expect(Object.fromEntries(job.options)).toEqual({
      name: "nvmesim",
      filename: "/dev/loop9",
      rw: "randrw",
      bs: "8192",
      size: String(64 << 20),
      ioengine: "io_uring",
      iodepth: "16",
      numjobs: "2",
      direct: "1",
      randseed: "7",
      norandommap: "1",
      group_reporting: "1",
      rwmixread: "70",
      io_size: String(501 * 8192), // each job's share of the I/Os, rounded up
    });
    expect(fioArgs(job)).toContain("--output-format=json");
    expect(job.notes.join("\n")).toMatch(/path blk-mq: the machine runs its own kernel's block path/);
    expect(fioJobFile(job)).toMatch(
      /^; the nvmesim configuration as a fio job[\s\S]*\n\[nvmesim\]\nfilename=\/dev\/loop9\n/,
    );
    const sync = Object.fromEntries(
      fioJob(validateConfig({ workload: { ioengine: "sync", iodepth: 1, number_ios: 0, runtime: 2 } }), "f").options,
    );
    expect([sync.ioengine, sync.time_based, sync.runtime, sync.io_size]).toEqual(["psync", "1", "2s", undefined]);
  });

  it("refuses the swap program, which has a measurement of its own", () => {
    const swap = validateConfig({ workload: { kind: "swap" } });
    expect(() => fioJob(swap, "x")).toThrow(FioJobError);
    expect(() => fioJob(swap, "x")).toThrow(/nvmesim measure swap/);
  });
});

describe("a perf report", () => {
  const report = parsePerfReport(readFileSync(FIXTURE, "utf8"));

  it("reads every symbol of a report recorded here (Linux 6.18, a loop device under fio)", () => {
    expect(report.event).toBe("cpu-clock");
    expect(report.eventCount).toBe(1019750000);
    expect(report.entries[0]).toEqual({ symbol: "pv_native_safe_halt", percent: 32.68, kernel: true, layer: "idle" });
    expect(report.entries.find((e) => e.symbol === "__vdso_clock_gettime")).toMatchObject({
      kernel: false,
      layer: "user",
    });
    const total = report.entries.reduce((s, e) => s + e.percent, 0);
    expect(total).toBeGreaterThan(95);
    expect(total).toBeLessThan(101);
    const layers = layerShares(report).map((l) => l.layer);
    expect(layers).toEqual(expect.arrayContaining(["idle", "block", "syscall", "driver", "sched", "mm"]));
  });

  it("refuses text with no samples", () => {
    expect(() => parsePerfReport("# just a header\n")).toThrow(PerfReportError);
  });

  it("groups symbols into the model's layers, and the model's own steps keep theirs", () => {
    const cases: [string, string][] = [
      ["nvme_queue_rq", "nvme"],
      ["blk_mq_submit_bio", "block"],
      ["__blk_mq_alloc_request", "block"],
      ["loop_queue_rq", "driver"],
      ["zram_submit_bio", "driver"],
      ["kmem_cache_alloc_noprof", "slab"],
      ["do_swap_page", "mm"],
      ["swap_cache_get_folio", "mm"],
      ["finish_task_switch.isra.0", "sched"],
      ["io_submit_sqes", "io_uring"],
      ["io_submit_one", "aio"],
      ["__x64_sys_pread64", "syscall"],
      ["_raw_spin_unlock_irq", "lock"],
      ["handle_softirqs", "irq"],
      ["intel_pmu_disable_all", "perf"],
      ["pv_native_safe_halt", "idle"],
      ["something_new", "other"],
    ];
    for (const [symbol, layer] of cases) expect(layerOfSymbol(symbol), symbol).toBe(layer);
    expect(layerOfSymbol("main", false)).toBe("user");
  });

  it("a committed fio JSON and report give a result in nvmesim run's shape", () => {
    const n = measuredFromFiles(validateConfig({}), FIO_FIXTURE, FIXTURE);
    expect(n.path).toBe("measured");
    expect(n.profile[0]).toEqual({ symbol: "pv_native_safe_halt", layer: "idle", ns: 333254300, percent: 32.68 });
    expect(n.cpuNsPerIo).toBeGreaterThan(0);
    expect(n.doorbellsPerIo).toBeNull(); // a real machine does not tell
  });
});

describe("a measurement's cleanup and refusals", () => {
  const fio = validateConfig({ workload: { number_ios: 1000, size: "1m" } });

  it("detaches the loop device and removes its file when fio fails", async () => {
    const sys = fakeSystem({});
    await expect(measure(fio, { target: "loop", perf: false, allowWrite: false }, sys)).rejects.toThrow(
      "--target loop: fio failed: simulated failure",
    );
    expect(sys.calls.filter((c) => c.startsWith("losetup"))).toEqual([
      expect.stringMatching(/^losetup --find --show --direct-io=on \/.*nvmesim-measure-.*\/backing\.img$/),
      "losetup --detach /dev/loop77",
    ]);
    const file = sys.calls[0].split(" ").pop()!;
    expect(existsSync(file)).toBe(false);
  });

  it("detaches and removes too when perf is not permitted, and says so", async () => {
    const sys = fakeSystem({
      perf: { status: 255, stdout: "", stderr: "Access to performance monitoring is limited (perf_event_paranoid)" },
    });
    await expect(measure(fio, { target: "loop", perf: true, allowWrite: false }, sys)).rejects.toThrow(
      /--perf: perf is not permitted here/,
    );
    expect(sys.calls).toContain("losetup --detach /dev/loop77");
  });

  it("refuses, naming what is missing, before it creates anything", async () => {
    const refused = async (sys: System, target = "loop", perf = false) => {
      const err = await measure(fio, { target, perf, allowWrite: false }, sys).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MeasureRefused);
      return (err as Error).message;
    };
    expect(await refused(fakeSystem({ root: false }))).toBe(
      "--target loop: needs root (losetup attaches a loop device)",
    );
    expect(await refused(fakeSystem({ missing: ["fio"] }))).toMatch(/needs fio \(apt-get install fio\)/);
    expect(await refused(fakeSystem({ missing: ["perf"] }), "loop", true)).toMatch(/--perf needs perf/);
    const existing = join(mkdtempSync(join(tmpdir(), "nvmesim-target-")), "data.bin");
    writeFileSync(existing, "precious");
    const writer = validateConfig({ workload: { rw: "randwrite", number_ios: 10, size: "1m" } });
    const err = await measure(writer, { target: existing, perf: false, allowWrite: false }, fakeSystem({})).catch(
      (e: unknown) => e,
    );
    expect(String(err)).toMatch(/the job writes and .* is an existing file: pass --allow-write/);
    expect(readFileSync(existing, "utf8")).toBe("precious");
  });

  it("the command line says a refusal in one line, exit 2", async () => {
    const swap = await runCli("measure", "--dry-run", "--config", join(ROOT, "test/fixtures/perf/swap-config.json"));
    expect(swap.code).toBe(2);
    expect(swap.stderr).toMatch(/nvmesim measure swap/);
    const noTarget = await runCli("measure", "--number-ios", "10");
    expect([noTarget.code, noTarget.stderr.trim()]).toEqual([2, expect.stringMatching(/--target is required/)]);
  });
});

describe("every refusal is one line that names what failed", () => {
  const fio = validateConfig({ workload: { number_ios: 1000, size: "1m" } });
  const message = async (sys: System, perf = false) => {
    const err = await measure(fio, { target: "loop", perf, allowWrite: false }, sys).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MeasureRefused);
    const text = (err as Error).message;
    expect(text.split("\n")).toHaveLength(1);
    return text;
  };
  // What fio 3.33 prints (stdout and stderr) for a target it cannot open, as reproduced here.
  const fioCannotOpen = (error: string): Ran => ({
    status: 1,
    stdout: `fio: pid=5957, err=13/file:filesetup.c:805, func=open(/dev/loop77), error=${error}\n{\n  "fio version" : "fio-3.33"\n}\n`,
    stderr:
      "fio: cache invalidation of /dev/loop77 failed: Bad file descriptor\nfio: refusing extend of file due to read-only\n",
  });

  it("fio that cannot open its target: fio's own reason, not an internal error", async () => {
    expect(await message(fakeSystem({ fio: fioCannotOpen("Permission denied") }))).toBe(
      "--target loop: fio failed: open(/dev/loop77): Permission denied",
    );
    expect(fioFailure("fio: refusing extend of file due to read-only\n")).toBe(
      "refusing extend of file due to read-only",
    );
  });

  it("fio's EPERM under perf is fio's, and perf's own refusal names perf's reason", async () => {
    expect(await message(fakeSystem({ fio: fioCannotOpen("Operation not permitted") }), true)).toMatch(
      /^--target loop: fio failed: open\(\/dev\/loop77\): Operation not permitted$/,
    );
    const nonRoot =
      "Error:\nAccess to performance monitoring and observability operations is limited.\nConsider adjusting /proc/sys/kernel/perf_event_paranoid setting to open\naccess to performance monitoring and observability operations for processes\n";
    const text = await message(fakeSystem({ perf: { status: 255, stdout: "", stderr: nonRoot } }), true);
    expect(text).toBe(
      "--perf: perf is not permitted here (Access to performance monitoring and observability operations is limited.)",
    );
    expect(perfRefusal("fio: pid=1, err=1/file:x.c:1, func=open(/x), error=Operation not permitted")).toBeUndefined();
  });

  it("measure swap's bad sizes, before anything is made", async () => {
    for (const args of [
      ["--memory", "0"],
      ["--memory", "4k", "--working-set", "8k"],
    ]) {
      const r = await runCli("measure", "swap", ...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
      expect(r.stderr).toMatch(
        /--memory \d+: at least 16777216 bytes \(16m\): below it the program itself does not fit/,
      );
    }
  });
});

describe("on this machine", () => {
  it.skipIf(!canMeasure)(
    `measures a short randread on a loop device under perf, and says what the machine can tell${whyNot}`,
    () =>
      alone(async () => {
        const before = leftovers();
        const r = spawnCli(
          ...["measure", "--target", "loop", "--perf", "--json", "--number-ios", "20000", "--size", "32m"],
          ...["--numjobs", "1"],
        );
        expect(r.code, r.stderr).toBe(0);
        const result = JSON.parse(r.stdout);
        expect(result["fio version"]).toMatch(/^fio-\d/);
        expect(result.jobs[0].read.iops).toBeGreaterThan(0);
        expect(result.jobs[0].read.total_ios).toBe(20000);
        const m = result.nvmesim.machine;
        expect(result.nvmesim.layers.some((l: { layer: string }) => l.layer === "block")).toBe(true);
        // Hardware counters: what perf stat says of cycles here, and the profile marked software-sampled without them.
        const cycles = REAL_SYSTEM.runSync("perf", ["stat", "-x", ",", "-e", "cycles", "--", "true"]);
        const hw = cycles.status === 0 && !/not supported|not counted/.test(cycles.stderr);
        expect(m.hardwareCounters).toBe(hw);
        if (!hw) expect(m.profileSampling).toMatch(/^software \(cpu-clock, hrtimer\)/);
        expect(leftovers()).toBe(before); // nothing left attached, mounted or made
      }),
    120_000,
  );

  it.skipIf(!canMeasure)(
    `records the measured job's I/O as fio's iolog, and the model replays it I/O for I/O${whyNot}`,
    () =>
      alone(async () => {
        const before = leftovers();
        const dir = mkdtempSync(join(tmpdir(), "nvmesim-recorded-log-"));
        const log = join(dir, "measured.log");
        const r = spawnCli(
          ...["measure", "--target", "loop", "--rw", "randrw", "--number-ios", "3000", "--size", "32m"],
          ...["--numjobs", "1", "--iodepth", "4", "--write-iolog", log],
        );
        expect(r.code, r.stderr).toBe(0);
        const ios = (file: string) =>
          readFileSync(file, "utf8")
            .split("\n")
            .map((l) => l.split(" "))
            .filter((w) => w[2] === "read" || w[2] === "write")
            .map((w) => w.slice(2).join(" "));
        expect(ios(log)).toHaveLength(3000);
        const replayed = join(dir, "replayed.log");
        const sim = spawnCli(
          ...["fio", "--name=again", "--direct=1", "--ioengine=libaio", "--iodepth=4", `--read_iolog=${log}`],
          ...[`--write_iolog=${replayed}`, "--output-format=terse"],
        );
        expect(sim.code, sim.stderr).toBe(0);
        expect(ios(replayed)).toEqual(ios(log));
        expect(leftovers()).toBe(before);
      }),
    120_000,
  );

  it.skipIf(!canMeasure)(
    `SIGTERM midway stops fio and perf and detaches the loop device${whyNot}`,
    () =>
      alone(async () => {
        const before = leftovers();
        const child = spawn(
          process.execPath,
          [
            join(ROOT, "src/cli/bin.js"),
            "measure",
            "--target",
            "loop",
            "--perf",
            "--number-ios",
            "100000000",
            "--size",
            "32m",
          ],
          { stdio: ["ignore", "pipe", "pipe"] },
        );
        let stderr = "";
        child.stderr.on("data", (d) => (stderr += d));
        const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
        await until(() => REAL_SYSTEM.runSync("losetup", ["-a"]).stdout.includes("nvmesim-measure-"), 30_000);
        await new Promise((r) => setTimeout(r, 500)); // fio is running now
        child.kill("SIGTERM");
        expect(await exited).toBe(143);
        expect(stderr).toMatch(/SIGTERM: stopping and removing what this run created\n$/);
        expect(leftovers()).toBe(before);
        expect(REAL_SYSTEM.runSync("pgrep", ["-f", "fio --name=nvmesim"]).stdout).toBe("");
      }),
    120_000,
  );
});

describe("flags checked before anything runs", () => {
  it("--repeat and --perf-freq, with --dry-run too, and --perf-freq only with --perf", async () => {
    const cases: [string[], RegExp][] = [
      [["--dry-run", "--repeat", "0"], /invalid --repeat '0': must be an integer in 1\.\.1000/],
      [["--dry-run", "--perf", "--perf-freq", "abc"], /invalid --perf-freq 'abc'/],
      [["--target", "loop", "--perf", "--perf-freq", "10"], /invalid --perf-freq '10': must be an integer in 100\.\./],
      [["--target", "loop", "--perf-freq", "1000"], /--perf-freq is for --perf/],
      [["--target", "loop", "--owner", "12"], /--owner PID is for --cleanup/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli("measure", ...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
  });

  it("measure swap refuses a limit or a working set this machine cannot hold", async () => {
    const big = await runCli("measure", "swap", "--memory", "64g", "--working-set", "128g");
    expect([big.code, big.stderr]).toEqual([
      2,
      expect.stringMatching(/--memory 68719476736: at most half the memory available/),
    ]);
    const huge = await runCli("measure", "swap", "--memory", "32m", "--working-set", "100t");
    expect([huge.code, huge.stderr]).toEqual([
      2,
      expect.stringMatching(/--working-set \d+: at most this machine's memory/),
    ]);
  });
});
