// Goal: the fio options that shape a job do what fio's do, seen in what the job did: rate and rate_iops pace
// it, thinktime pauses it, bssplit mixes its sizes, random_distribution=zoned and offset_increment place its
// offsets, iodepth_low lets its depth fall, cpus_allowed pins it, ramp_time leaves its start uncounted, and
// verify on a job that writes reads everything back, checked.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../cli/run-cli";

const dir = mkdtempSync(join(tmpdir(), "nvmesim-features-"));

interface Dir {
  total_ios: number;
  io_bytes: number;
  iops: number;
  runtime: number;
}
interface Job {
  jobname: string;
  read: Dir;
  write: Dir;
  iodepth_level: Record<string, number>;
  sys_cpu: number;
}
type Doc = { jobs: Job[]; nvmesim: { integrityErrors: number; engineErrors: number } };

async function fio(...args: string[]): Promise<Doc> {
  const out = await runCli("fio", "--direct=1", "--output-format=json", ...args);
  expect(out.code, out.stderr).toBe(0);
  return JSON.parse(out.stdout) as Doc;
}

/** A log's rows as numbers (time, value, ddir, bs, offset, prio with log_offset). */
const rows = (file: string) =>
  readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .map((l) => l.split(", ").map(Number));

describe("fio's job options, in what the job did", () => {
  it("rate_iops and rate pace each job and each direction", async () => {
    const d = await fio(
      "--name=r",
      "--rw=randread",
      "--ioengine=libaio",
      "--iodepth=16",
      "--rate_iops=5000",
      "--numjobs=2",
      "--runtime=1",
      "--time_based",
    );
    for (const j of d.jobs) expect(j.read.iops).toBeCloseTo(5000, -1);
    const b = await fio(
      "--name=b",
      "--rw=randrw",
      "--bs=64k",
      "--ioengine=libaio",
      "--iodepth=8",
      "--rate=64m",
      "--runtime=1",
      "--time_based",
    );
    // 64 MiB/s each way
    for (const dir of [b.jobs[0].read, b.jobs[0].write]) expect(dir.io_bytes / (1 << 20)).toBeCloseTo(64, -0.5);
  });

  it("thinktime pauses after thinktime_blocks I/Os, once they completed", async () => {
    const base = ["--name=t", "--rw=randread", "--ioengine=libaio", "--iodepth=4", "--runtime=1", "--time_based"];
    const busy = await fio(...base);
    const idle = await fio(...base, "--thinktime=1ms", "--thinktime_blocks=8");
    // 8 I/Os per pause of 1 ms and the time they take: well under 8000 IOPS, and far below the busy job
    expect(idle.jobs[0].read.iops).toBeLessThan(8000);
    expect(idle.jobs[0].read.iops).toBeGreaterThan(4000);
    expect(busy.jobs[0].read.iops).toBeGreaterThan(5 * idle.jobs[0].read.iops);
  });

  it("bssplit mixes sizes by their shares, and the job stops at its bytes", async () => {
    const prefix = join(dir, "split");
    const d = await fio(
      "--name=s",
      "--rw=randread",
      "--bssplit=4k/75:64k/25",
      "--size=64m",
      "--ioengine=libaio",
      "--iodepth=8",
      `--write_lat_log=${prefix}`,
    );
    expect(d.jobs[0].read.io_bytes).toBeGreaterThanOrEqual(64 << 20);
    expect(d.jobs[0].read.io_bytes).toBeLessThan((64 << 20) + 65536);
    const sizes = rows(`${prefix}_clat.1.log`).map((r) => r[3]);
    const small = sizes.filter((s) => s === 4096).length / sizes.length;
    expect(small).toBeCloseTo(0.75, 1);
    expect(new Set(sizes)).toEqual(new Set([4096, 65536]));
  });

  it("random_distribution=zoned sends each zone its share; offset_increment gives each job its own region", async () => {
    const z = join(dir, "zoned");
    await fio(
      "--name=z",
      "--rw=randread",
      "--size=100m",
      "--norandommap",
      "--random_distribution=zoned:80/10:20/90",
      "--number_ios=20000",
      `--write_lat_log=${z}`,
      "--log_offset=1",
    );
    const offsets = rows(`${z}_clat.1.log`).map((r) => r[4]);
    const inFirst = offsets.filter((o) => o < 10 << 20).length / offsets.length;
    expect(inFirst).toBeCloseTo(0.8, 1);
    const o = join(dir, "incr");
    await fio(
      "--name=o",
      "--rw=randread",
      "--size=16m",
      "--offset_increment=16m",
      "--numjobs=3",
      "--number_ios=3000",
      `--write_lat_log=${o}`,
      "--log_offset=1",
    );
    for (const n of [1, 2, 3]) {
      const offs = rows(`${o}_clat.${n}.log`).map((r) => r[4]);
      expect(Math.min(...offs)).toBeGreaterThanOrEqual((n - 1) * (16 << 20));
      expect(Math.max(...offs)).toBeLessThan(n * (16 << 20));
    }
  });

  it("iodepth_low lets a full job's depth fall to the mark before it refills", async () => {
    const full = await fio("--name=f", "--rw=randread", "--ioengine=libaio", "--iodepth=16", "--number_ios=20000");
    const low = await fio(
      "--name=l",
      "--rw=randread",
      "--ioengine=libaio",
      "--iodepth=16",
      "--iodepth_low=4",
      "--number_ios=20000",
    );
    expect(full.jobs[0].iodepth_level["16"]).toBeGreaterThan(90);
    expect(low.jobs[0].iodepth_level["16"]).toBeLessThan(full.jobs[0].iodepth_level["16"] - 20);
  });

  it("cpus_allowed runs a job's threads on its CPUs", async () => {
    // two jobs pinned to CPU 0 share its work; two spread over CPUs 0 and 1 do not
    const pinned = await fio(
      "--name=p",
      "--rw=randread",
      "--ioengine=libaio",
      "--iodepth=32",
      "--numjobs=2",
      "--cpus_allowed=0",
      "--number_ios=40000",
      "--cpus",
      "2",
      "--device",
      "optane-900p",
    );
    const spread = await fio(
      "--name=s",
      "--rw=randread",
      "--ioengine=libaio",
      "--iodepth=32",
      "--numjobs=2",
      "--number_ios=40000",
      "--cpus",
      "2",
      "--device",
      "optane-900p",
    );
    const iops = (d: Doc) => d.jobs.reduce((n, j) => n + j.read.iops, 0);
    expect(iops(pinned)).toBeLessThan(iops(spread));
  });

  it("ramp_time: what completes before it is not counted, and the runtime reported starts after it", async () => {
    const d = await fio(
      "--name=ramp",
      "--rw=randread",
      "--ioengine=libaio",
      "--iodepth=4",
      "--runtime=1",
      "--ramp_time=500ms",
      "--time_based",
    );
    const plain = await fio(
      "--name=plain",
      "--rw=randread",
      "--ioengine=libaio",
      "--iodepth=4",
      "--runtime=1",
      "--time_based",
    );
    expect(d.jobs[0].read.runtime).toBe(1000);
    expect(d.jobs[0].read.total_ios / plain.jobs[0].read.total_ios).toBeCloseTo(1, 1);
  });

  it("verify on a job that writes reads back each place it wrote once, as fio's do_verify, and checks it", async () => {
    const job = ["--name=v", "--rw=randwrite", "--size=8m", "--ioengine=libaio", "--iodepth=16", "--verify=crc32c"];
    const d = await fio(...job);
    expect([d.jobs[0].read.total_ios, d.jobs[0].write.total_ios]).toEqual([2048, 2048]);
    // fio 3.33 itself, on a temporary file: the same counts ("issued rwts: total=2048,2048")
    const target = join(dir, "verify-target");
    writeFileSync(target, Buffer.alloc(8 << 20));
    const real = spawnSync("fio", [...job, "--direct=1", `--filename=${target}`, "--output-format=json"], {
      encoding: "utf8",
      cwd: dir,
    });
    expect(real.status, real.stderr).toBe(0);
    const r = (JSON.parse(real.stdout) as Doc).jobs[0];
    expect([r.read.total_ios, r.write.total_ios]).toEqual([2048, 2048]);
    expect(d.nvmesim.integrityErrors).toBe(0);
    const seq = await fio(
      "--name=q",
      "--rw=write",
      "--bs=64k",
      "--size=8m",
      "--ioengine=libaio",
      "--iodepth=4",
      "--verify=md5",
    );
    expect([seq.jobs[0].read.total_ios, seq.jobs[0].write.total_ios]).toEqual([128, 128]);
    const off = await fio("--name=n", "--rw=randwrite", "--size=8m", "--verify=crc32c", "--do_verify=0");
    expect(off.jobs[0].read.total_ios).toBe(0);
  });
});
