// Goal: `nvmesim run` (what `npm start` runs) simulates deterministically, prints what it did,
// and refuses bad configurations with one line naming the field.
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./run-cli";

const quick = ["--number-ios", "20000", "--cpus", "2", "--numjobs", "2", "--iodepth", "8", "--size", "64m"];

describe("nvmesim run", () => {
  it("prints the same JSON for the same seed, different for another", async () => {
    const a = await runCli("run", ...quick, "--seed", "5", "--json");
    const b = await runCli("run", ...quick, "--seed", "5", "--json");
    const c = await runCli("run", ...quick, "--seed", "6", "--json");
    expect(a.code, a.stderr).toBe(0);
    expect(b.stdout).toBe(a.stdout);
    expect(c.stdout).not.toBe(a.stdout);
    const doc = JSON.parse(a.stdout);
    expect(doc.jobs[0].read.total_ios).toBe(20000);
    expect(Object.keys(doc.jobs[0].read.clat_ns.percentile)).toContain("99.900000");
    expect(doc.nvmesim).toMatchObject({ path: "blk-mq", device: "p3700-2014", seed: "5", integrityErrors: 0 });
  });

  it("summarises for people, and prints a perf-style profile", async () => {
    const out = await runCli("run", ...quick, "--path", "rw_page");
    expect(out.stdout).toMatch(/rw_page on p3700-2014, 2 CPUs, fio randread bs=4096 iodepth=8/);
    expect(out.stdout).toMatch(/read\s+IOPS \d+/);
    const prof = await runCli("run", ...quick, "--path", "rw_page", "--profile");
    expect(prof.stdout).toMatch(/%\s+nvme\s+\[k\] nvme_rw_page/);
  });

  it("runs both paths when none is named, side by side with the ratio and what limits each", async () => {
    // A CPU-bound machine (one CPU, a RAM device) shows the paths apart; the default's device bounds both.
    const cpuBound = ["--number-ios", "20000", "--cpus", "1", "--numjobs", "1", "--device", "ram", "--iodepth", "32"];
    const out = await runCli("run", ...cpuBound);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/^nvmesim run: blk-mq and rw_page on ram, 1 CPUs/);
    const iops = /^read IOPS +([\d.]+) +([\d.]+) +([\d.]+)$/m.exec(out.stdout)!;
    expect(Number(iops[3])).toBeCloseTo(Number(iops[2]) / Number(iops[1]), 2);
    expect(Number(iops[3])).toBeGreaterThan(1.5); // rw_page skips the bio, the request's setup and the scatterlist
    expect(out.stdout).toMatch(/^ {2}blk-mq: CPU-bound: the CPUs are \d+% busy$/m);
    expect(out.stdout).toMatch(/^only on rw_page: .*nvme_rw_page/m);
    const device = await runCli("run", "--number-ios", "20000");
    expect(device.stdout).toMatch(
      /^ {2}rw_page: device-bound: the device runs at 9\d% of its controller's command rate$/m,
    );
    const one = await runCli("run", ...quick, "--iodepth", "1", "--path", "blk-mq");
    expect(one.stdout).toMatch(/^ {2}latency-bound: too few I\/Os in flight to fill either \(CPUs \d+% busy/m);
    // Scripts keep their shape: --json alone is blk-mq's fio document; --path both --json has both.
    const single = JSON.parse((await runCli("run", ...cpuBound, "--json")).stdout);
    expect(single.nvmesim.path).toBe("blk-mq");
    const two = JSON.parse((await runCli("run", ...cpuBound, "--path", "both", "--json")).stdout);
    expect([two["blk-mq"].nvmesim.path, two.rw_page.nvmesim.path]).toEqual(["blk-mq", "rw_page"]);
    expect(two.comparison.metrics[0].what).toBe("read IOPS");
    expect(two.comparison.metrics[0].ratio).toBeCloseTo(Number(iops[3]), 2);
    // A kernel without ->rw_page runs blk-mq and says why rw_page did not run.
    const today = await runCli("run", ...cpuBound, "--kernel", "6.8");
    expect(today.code, today.stderr).toBe(0);
    expect(today.stdout).toMatch(/rw_page not run: .*removed in 6\.3/);
    const refused = await runCli("run", ...cpuBound, "--path", "both", "--profile");
    expect(refused.stderr).toMatch(/--path both cannot be combined with --profile/);
  });

  it("--breakdown prints each path's mean I/O stage by stage, its CPU adding up to the run's", async () => {
    const out = await runCli("run", ...quick, "--breakdown");
    expect(out.code, out.stderr).toBe(0);
    for (const path of ["blk-mq", "rw_page"]) {
      const at = out.stdout.indexOf(`\n${path}: one I/O's life, the mean of `);
      expect(at, path).toBeGreaterThan(0);
      const lines = out.stdout
        .slice(at + 1)
        .split("\n")
        .slice(1, 7);
      expect(lines.map((l) => l.trim().split(/\s+/)[0])).toEqual([
        "submit",
        "doorbell",
        "fetch",
        "device",
        "interrupt",
        "seen",
      ]);
    }
    const json = JSON.parse((await runCli("run", ...quick, "--path", "blk-mq", "--breakdown", "--json")).stdout);
    const stages = json.nvmesim.breakdown.stages as { latencyNs: number; cpuNs: number }[];
    expect(stages.reduce((s, x) => s + x.cpuNs, 0)).toBeCloseTo(json.nvmesim.cpuNsPerIo, 6);
    // The stages end where the mean I/O's latency does, give or take the I/Os out at the run's end.
    const end = stages.reduce((s, x) => s + x.latencyNs, 0);
    expect(Math.abs(end - json.jobs[0].read.lat_ns.mean) / json.jobs[0].read.lat_ns.mean).toBeLessThan(0.02);
    expect(
      stages.find((s: { latencyNs: number; cpuNs: number } & { stage?: string }) => s.stage === "device")!.latencyNs,
    ).toBeGreaterThan(50_000); // the P3700's media
  });

  it("says what a field allows for a negative value, however the flag is written, as it does for 0", async () => {
    for (const argv of [["--iodepth", "-1"], ["--iodepth=-1"], ["--iodepth", "0"]]) {
      const r = await runCli("run", ...argv);
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.stderr, argv.join(" ")).toMatch(
        /invalid configuration: workload\.iodepth: -?[01] is not an integer in 1\.\.65535/,
      );
    }
  });

  it("takes a --config file that flags override", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nvmesim-"));
    const file = join(dir, "run.json");
    writeFileSync(
      file,
      JSON.stringify({ path: "rw_page", cpus: 2, workload: { number_ios: 5000, numjobs: 2, iodepth: 4, size: "16m" } }),
    );
    const doc = JSON.parse((await runCli("run", "--config", file, "--iodepth", "2", "--json")).stdout);
    expect(doc.nvmesim.path).toBe("rw_page");
    expect(doc.jobs[0]["job options"].iodepth).toBe("2");
  });

  it("takes fio's value syntax in its flags, and fio's engine names", async () => {
    const doc = JSON.parse(
      (
        await runCli(
          "run",
          "--runtime",
          "20ms",
          "--number-ios",
          "0",
          "--bs",
          "8k",
          "--ioengine",
          "libaio",
          "--cpus",
          "2",
          "--numjobs",
          "2",
          "--iodepth",
          "4",
          "--json",
        )
      ).stdout,
    );
    expect(doc.nvmesim.config.workload).toMatchObject({ runtime: 0.02, bs: 8192, ioengine: "libaio", number_ios: 0 });
    expect(doc.nvmesim.simulatedNs).toBeLessThanOrEqual(20e6);
  });

  it("--fio-json prints fio's entry per job, --json the jobs as one group", async () => {
    const json = JSON.parse((await runCli("run", ...quick, "--json")).stdout);
    const perJob = JSON.parse((await runCli("run", ...quick, "--fio-json")).stdout);
    const grouped = JSON.parse((await runCli("run", ...quick, "--fio-json", "--group-reporting")).stdout);
    expect([json.jobs.length, perJob.jobs.length, grouped.jobs.length]).toEqual([1, 2, 1]);
    expect(perJob.jobs[0].read.total_ios + perJob.jobs[1].read.total_ios).toBe(20000);
    expect(grouped.jobs[0].read.total_ios).toBe(20000);
    expect(grouped.jobs[0]["job options"]).toMatchObject({ numjobs: "2", number_ios: "10000", group_reporting: "1" });
  });

  const bad: [string[], RegExp][] = [
    [["--iodepth", "2000"], /workload\.iodepth: 2000 x 1 jobs on a CPU is more than a 1024-entry queue/],
    [["--device", "p3800"], /device\.preset: "p3800" is not one of .*did you mean p4800x/],
    [["--bs", "1000"], /workload\.bs: 1000 is not 512, 1024, 2048 or a multiple of 4096/],
    [["--switch", "fast"], /invalid --switch 'fast'/],
    [["--iodepth", "x"], /invalid --iodepth 'x': not an integer with an optional unit/],
    [["--runtime", "1w"], /invalid --runtime '1w': not an integer time with an optional unit \(us, ms, s, m, h, d/],
    [["--iodpeth", "4"], /unknown flag --iodpeth \(did you mean --iodepth\?\)/],
    [["--number_ios", "4"], /unknown flag --number_ios \(did you mean --number-ios\?\)/],
    [["--group-reporting"], /--group-reporting is for --fio-json/],
    [["--json", "--profile"], /--json and --profile cannot be combined/],
    [["--config", "/nonexistent/run.json"], /cannot read --config/],
  ];
  for (const [argv, message] of bad) {
    it(`rejects ${argv.join(" ")}`, async () => {
      const out = await runCli("run", ...argv);
      expect(out.code).toBe(2);
      expect(out.stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(out.stderr).toMatch(message);
    });
  }
});
