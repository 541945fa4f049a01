// Goal: a workload recorded by fio 3.33 (write_iolog on a temporary file) replays in nvmesim I/O for I/O, on
// both host paths and on today's kernel, paced as fio paces a log; and nvmesim's logs (write_bw_log,
// write_lat_log, write_iops_log, write_hist_log) have fio's file names and line shapes, read by fio's own
// fio2gnuplot and by fio-plot's log reader (fio_plot/fiolib/dataimport.py, followed here: it is not packaged).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../cli/run-cli";

const dir = mkdtempSync(join(tmpdir(), "nvmesim-replay-"));
const target = join(dir, "target");

beforeAll(() => {
  writeFileSync(target, Buffer.alloc(8 << 20));
});

/** A log's I/O lines as "direction offset length", in order. */
const ios = (log: string) =>
  readFileSync(log, "utf8")
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .filter((w) => w[2] === "read" || w[2] === "write")
    .map((w) => `${w[2]} ${w[3]} ${w[4]}`);

describe("read_iolog and write_iolog", () => {
  it("replays fio's own log I/O for I/O, on both paths and on 3.19 and 6.8", async () => {
    const recorded = join(dir, "fio.log");
    const real = spawnSync(
      "fio",
      [
        "--name=rec",
        `--filename=${target}`,
        "--size=8m",
        "--rw=randrw",
        "--bssplit=4k/70:16k/30",
        "--direct=1",
        "--ioengine=libaio",
        "--iodepth=4",
        "--number_ios=300",
        `--write_iolog=${recorded}`,
        "--output=/dev/null",
      ],
      { encoding: "utf8" },
    );
    expect(real.status, real.stderr).toBe(0);
    const want = ios(recorded);
    expect(want.length).toBe(300);
    expect(new Set(want.map((l) => l.split(" ")[0]))).toEqual(new Set(["read", "write"]));
    for (const machine of [
      ["--path", "blk-mq"],
      ["--path", "rw_page"],
      ["--kernel", "6.8"],
    ]) {
      const replayed = join(dir, `replayed-${machine[1]}.log`);
      const out = await runCli(
        "fio",
        "--name=replay",
        "--filename=/dev/nvme0n1",
        "--direct=1",
        "--ioengine=libaio",
        "--iodepth=4",
        `--read_iolog=${recorded}`,
        `--write_iolog=${replayed}`,
        "--output-format=json",
        ...machine,
      );
      expect(out.code, out.stderr).toBe(0);
      expect(ios(replayed), machine.join(" ")).toEqual(want);
      const job = (JSON.parse(out.stdout) as { jobs: { read: { total_ios: number }; write: { total_ios: number } }[] })
        .jobs[0];
      expect(job.read.total_ios + job.write.total_ios).toBe(300);
    }
  });

  /** The replay's run time, ms, from fio's JSON (its read job's runtime). */
  const replayMs = async (log: string, ...extra: string[]) => {
    const file = join(dir, `paced-${Math.abs(log.length)}.log`);
    writeFileSync(file, log);
    const out = await runCli("fio", "--name=p", "--direct=1", `--read_iolog=${file}`, "--output-format=json", ...extra);
    expect(out.code, out.stderr).toBe(0);
    return (JSON.parse(out.stdout) as { jobs: { read: { runtime: number } }[] }).jobs[0].read.runtime;
  };

  it("paces a version 3 log as fio does: each gap after the last issue, none while the time is 0, scaled", async () => {
    // fio 3.33 on this log ran for 501 ms, 251 ms with replay_time_scale=200, 1 ms with replay_no_stall
    // (delay_since_ttime: no gap while the last time is 0; replay_time_scale divides the gaps)
    const log =
      "fio version 3 iolog\n0 f add\n0 f open\n0 f read 0 4096\n500000 f read 4096 4096\n1000000 f read 8192 4096\n";
    expect(await replayMs(log)).toBe(500);
    expect(await replayMs(log, "--replay_time_scale=200")).toBe(250);
    expect(await replayMs(log, "--replay_no_stall")).toBeLessThan(2);
  });

  it("holds a version 2 log's I/O after a wait until that many ms from the start", async () => {
    const log = "fio version 2 iolog\nf add\nf open\nf read 0 4096\nf wait 300\nf read 4096 4096\n";
    expect(await replayMs(log)).toBe(300);
  });

  it("refuses what it cannot replay, naming the line", async () => {
    const cases: [string, RegExp][] = [
      ["not a log\n", /:1: not a fio iolog/],
      ["fio version 3 iolog\n0 f trim 0 4096\n", /:2: trim is not modelled/],
      ["fio version 3 iolog\n0 f read 100 4096\n", /:2: read 100 4096: offsets and lengths are whole 512-byte sectors/],
      ["\x00tae\x07binary", /a blktrace binary/],
    ];
    for (const [text, message] of cases) {
      const file = join(dir, "bad.log");
      writeFileSync(file, text);
      const out = await runCli("fio", "--name=b", "--direct=1", `--read_iolog=${file}`);
      expect(out.code).toBe(2);
      expect(out.stderr).toMatch(message);
    }
  });
});

describe("fio's logs", () => {
  const job = (prefix: string) => [
    "--name=j",
    "--size=4m",
    "--bs=4k",
    "--rw=randrw",
    "--direct=1",
    "--ioengine=libaio",
    "--iodepth=4",
    "--number_ios=400",
    `--write_bw_log=${prefix}`,
    `--write_lat_log=${prefix}`,
    `--write_iops_log=${prefix}`,
    `--write_hist_log=${prefix}`,
    "--log_hist_msec=1",
    "--log_offset=1",
  ];
  /** Each log file: its lines, and the columns of its first line. */
  const shapes = (folder: string) =>
    Object.fromEntries(
      readdirSync(folder)
        .filter((f) => f.endsWith(".log"))
        .sort()
        .map((f) => {
          const lines = readFileSync(join(folder, f), "utf8").trim().split("\n").filter(Boolean);
          return [f, { lines: lines.length > 0, columns: lines[0]?.split(", ").length ?? 0 }];
        }),
    );

  it("are the files fio writes for the same job, each line with fio's columns", async () => {
    const fioDir = join(dir, "fio-logs");
    const ours = join(dir, "our-logs");
    mkdirSync(fioDir);
    mkdirSync(ours);
    const real = spawnSync("fio", [...job(join(fioDir, "j")), `--filename=${target}`, "--output=/dev/null"], {
      encoding: "utf8",
    });
    expect(real.status, real.stderr).toBe(0);
    const out = await runCli("fio", ...job(join(ours, "j")), "--output=/dev/null");
    expect(out.code, out.stderr).toBe(0);
    expect(shapes(ours)).toEqual(shapes(fioDir));
    // per I/O: one line each, with the I/O's own size and offset
    const clat = readFileSync(join(ours, "j_clat.1.log"), "utf8").trim().split("\n");
    expect(clat).toHaveLength(400);
    for (const l of clat) expect(l).toMatch(/^\d+, \d+, [01], 4096, \d+, 0$/);
  });

  it("averaged over log_avg_msec: a line per window and direction, bs and offset 0; KiB/s and IOPS", async () => {
    const folder = join(dir, "avg");
    mkdirSync(folder);
    const out = await runCli(
      "fio",
      "--name=a",
      "--size=64m",
      "--rw=randread",
      "--direct=1",
      "--ioengine=libaio",
      "--iodepth=1",
      "--rate_iops=2000",
      "--runtime=1",
      "--time_based",
      "--log_avg_msec=100",
      `--write_bw_log=${join(folder, "a")}`,
      `--write_iops_log=${join(folder, "a")}`,
      `--write_lat_log=${join(folder, "a")}`,
      "--output=/dev/null",
    );
    expect(out.code, out.stderr).toBe(0);
    const rows = (f: string) =>
      readFileSync(join(folder, f), "utf8")
        .trim()
        .split("\n")
        .map((l) => l.split(", ").map(Number));
    const iops = rows("a_iops.1.log");
    expect(iops.map((r) => r[0])).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    for (const r of iops) expect(r.slice(1)).toEqual([2000, 0, 0, 0]);
    for (const r of rows("a_bw.1.log")) expect(r[1]).toBe(Math.floor((200 * 4096 * 1000) / 100 / 1024)); // KiB/s
    // lat: the window's mean; the last line at the job's end
    const lat = rows("a_lat.1.log");
    expect(lat.length).toBeGreaterThanOrEqual(10);
    for (const r of lat) expect(r.slice(2)).toEqual([0, 0, 0]);
  });

  it("fio2gnuplot reads nvmesim's bandwidth logs, and fio-plot's reader finds and merges them", async () => {
    // bench-fio's names: RW-iodepth-N-numjobs-M, as fio-plot -g looks them up
    const folder = join(dir, "plot");
    mkdirSync(folder);
    const prefix = join(folder, "randread-iodepth-8-numjobs-2");
    const out = await runCli(
      "fio",
      "--name=p",
      "--size=64m",
      "--rw=randread",
      "--direct=1",
      "--ioengine=libaio",
      "--iodepth=8",
      "--numjobs=2",
      "--runtime=2",
      "--time_based",
      "--log_avg_msec=100",
      `--write_bw_log=${prefix}`,
      `--write_iops_log=${prefix}`,
      `--write_lat_log=${prefix}`,
      "--output=/dev/null",
    );
    expect(out.code, out.stderr).toBe(0);
    // fio-plot's dataimport.py: files whose names start RW-iodepth-N-numjobs-M_TYPE, rows of int columns
    // timestamp, value, rwt, blocksize; the jobs' files merged row by row (summed for bw and iops)
    const searchstring = /^randread-iodepth-8-numjobs-2_iops/;
    const matched = readdirSync(folder).filter((f) => searchstring.test(f) && f.endsWith(".log"));
    expect(matched.sort()).toEqual([
      "randread-iodepth-8-numjobs-2_iops.1.log",
      "randread-iodepth-8-numjobs-2_iops.2.log",
    ]);
    const perFile = matched.map((f) =>
      readFileSync(join(folder, f), "utf8")
        .trim()
        .split("\n")
        .map((l) => l.split(",").map((c) => Number.parseInt(c.trim(), 10)))
        .filter((r) => r[2] === 0),
    );
    for (const rows of perFile) for (const r of rows) for (const c of r) expect(Number.isInteger(c)).toBe(true);
    const merged = perFile[0].map((r, i) => r[1] + perFile[1][i][1]);
    expect(merged.length).toBe(20);
    expect(Math.min(...merged)).toBeGreaterThan(0);
    // fio2gnuplot (Debian's fio) in that folder: it finds the per-job bw logs and writes its statistics
    const plotted = join(folder, "gnuplot");
    mkdirSync(plotted);
    const g = spawnSync("fio2gnuplot", ["-b", "-d", plotted], { cwd: folder, encoding: "utf8" });
    expect(g.status, g.stderr).toBe(0);
    expect(g.stdout).toMatch(/randread-iodepth-8-numjobs-2_bw\.1\.log/);
    const global = readFileSync(join(plotted, "result.global"), "utf8");
    expect(global).toMatch(/values_count=40\s+disks_count=2/);
    expect(existsSync(join(plotted, "mygraph"))).toBe(true);
  });
});
