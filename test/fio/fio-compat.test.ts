// Goal: for the same job, nvmesim fio writes every key path fio 3.33 writes (json and json+), with fio's
// value types, read by Python's json as fio's own tools read it; only values differ. Real fio runs the job
// on a small temporary file; fio's fio_jsonplus_clat2csv turns nvmesim's json+ into CSV and validates it.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../cli/run-cli";

const PYTHON = "/usr/bin/python3";

/** Key paths and their Python types; lists by their first element; the values of option maps left out. */
const KEY_PATHS = `
import json, sys
def paths(o, p=""):
    if isinstance(o, dict):
        for k, v in o.items():
            yield from paths(v, p + "/" + k)
    elif isinstance(o, list):
        for v in o[:1]:
            yield from paths(v, p + "[]")
    else:
        yield p, type(o).__name__
doc = json.load(open(sys.argv[1]))
print(json.dumps(dict(paths(doc))))
`;

function keyPaths(file: string): Record<string, string> {
  const r = spawnSync(PYTHON, ["-c", KEY_PATHS, file], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`python: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, string>;
}

/** What only a job's own choices decide: its options (by what was written), clat bins (by the latencies seen). */
const JOB_SPECIFIC = /^\/jobs\[\]\/(job options\/|(read|write|trim)\/clat_ns\/bins\/)|^\/global options\//;

const dir = mkdtempSync(join(tmpdir(), "nvmesim-fio-"));
const target = join(dir, "target");

const SHAPES: Record<string, string[]> = {
  "randread libaio numjobs=2": ["--name=rr", "--rw=randread", "--ioengine=libaio", "--iodepth=8", "--numjobs=2"],
  "randrw io_uring group_reporting": [
    "--name=rw",
    "--rw=randrw",
    "--rwmixread=70",
    "--ioengine=io_uring",
    "--iodepth=4",
    "--numjobs=2",
    "--group_reporting",
  ],
  "psync QD1": ["--name=ps", "--description=one at a time", "--rw=randread", "--ioengine=psync"],
};
const common = [`--filename=${target}`, "--size=16m", "--bs=4k", "--direct=1", "--number_ios=2000"];

beforeAll(() => {
  writeFileSync(target, Buffer.alloc(16 << 20));
});

describe("nvmesim fio against fio 3.33", () => {
  for (const [shape, args] of Object.entries(SHAPES)) {
    for (const format of ["json", "json+"]) {
      it(`${shape}, ${format}: fio's key paths and types`, async () => {
        const tag = `${shape.replace(/\W+/g, "-")}-${format === "json" ? "json" : "plus"}`;
        const fioFile = join(dir, `${tag}.fio.json`);
        const ours = join(dir, `${tag}.nvmesim.json`);
        const real = spawnSync("fio", [...args, ...common, `--output-format=${format}`, `--output=${fioFile}`], {
          encoding: "utf8",
        });
        expect(real.status, real.stderr).toBe(0);
        // nvmesim's machine: io_uring needs a kernel that has it (5.1 and later).
        const sim = await runCli(
          "fio",
          ...args,
          ...common,
          "--kernel",
          "6.8",
          `--output-format=${format}`,
          `--output=${ours}`,
        );
        expect(sim.code, sim.stderr).toBe(0);
        const want = keyPaths(fioFile);
        const got = keyPaths(ours);
        const fioKeys = (paths: Record<string, string>) =>
          Object.entries(paths).filter(([p]) => !JOB_SPECIFIC.test(p) && !p.startsWith("/nvmesim"));
        expect(Object.fromEntries(fioKeys(got))).toEqual(Object.fromEntries(fioKeys(want)));
        // The job options are the ones given, by fio's names; fio writes them as strings.
        const jobs = (file: string) => (JSON.parse(readFileSync(file, "utf8")) as { jobs: unknown[] }).jobs;
        expect(jobs(ours)).toHaveLength(jobs(fioFile).length);
        const options = (file: string) => (jobs(file)[0] as { "job options": Record<string, string> })["job options"];
        expect(options(ours)).toEqual(options(fioFile));
        if (format === "json+") expect(Object.keys(got).some((p) => p.includes("/clat_ns/bins/"))).toBe(true);
      });
    }
  }

  it("reports rw_page as it reports blk-mq, and says the job is a what-if", async () => {
    const args = [...SHAPES["randread libaio numjobs=2"], ...common, "--output-format=json"];
    const files = await Promise.all(
      ["blk-mq", "rw_page"].map(async (path) => {
        const file = join(dir, `path-${path}.json`);
        const out = await runCli("fio", ...args, "--path", path, `--output=${file}`);
        expect(out.code, out.stderr).toBe(0);
        if (path === "rw_page") expect(out.stderr).toMatch(/^note: what-if: rw_page is reached only from swap/);
        else expect(out.stderr).toBe("");
        return file;
      }),
    );
    const fioPaths = (f: string) =>
      Object.keys(keyPaths(f)).filter((p) => !JOB_SPECIFIC.test(p) && !p.startsWith("/nvmesim"));
    const [blkMq, rwPage] = files.map(fioPaths);
    expect(rwPage).toEqual(blkMq);
    const section = (f: string) => (JSON.parse(readFileSync(f, "utf8")) as { nvmesim: { path: string } }).nvmesim;
    expect([section(files[0]).path, section(files[1]).path]).toEqual(["blk-mq", "rw_page"]);
  });

  it("fio_jsonplus_clat2csv turns nvmesim's json+ into CSV and validates it", async () => {
    const plus = join(dir, "clat2csv.json");
    const sim = await runCli("fio", ...SHAPES["randread libaio numjobs=2"], ...common, "--output-format=json+");
    expect(sim.code, sim.stderr).toBe(0);
    writeFileSync(plus, sim.stdout);
    const csv = join(dir, "clat.csv");
    const tool = "/usr/bin/fio_jsonplus_clat2csv";
    const made = spawnSync(PYTHON, [tool, plus, csv], { encoding: "utf8" });
    expect(made.status, made.stderr).toBe(0);
    const checked = spawnSync(PYTHON, [tool, plus, csv, "--validate"], { encoding: "utf8" });
    expect(checked.status, checked.stderr).toBe(0);
    expect(checked.stdout).toMatch(/clat_job0\.csv validated\n.*clat_job1\.csv validated/s);
    const rows = readFileSync(join(dir, "clat_job0.csv"), "utf8").trim().split("\n");
    expect(rows[0]).toMatch(/^nsec, read_slat_ns_count/);
    // One row per latency bucket with reads in it; the cumulative count reaches the job's reads.
    const last = rows[rows.length - 1].split(",").map((c) => c.trim());
    const reads = (JSON.parse(sim.stdout) as { jobs: { read: { total_ios: number } }[] }).jobs[0].read.total_ios;
    expect(Number(last[5])).toBe(reads);
    expect(readdirSync(dir).filter((f) => /^clat_job\d\.csv$/.test(f))).toHaveLength(2);
  });
});

describe("nvmesim fio's normal output", () => {
  // Each block fio prints, in fio's order: a pattern both fio's own output and nvmesim's must match.
  const LAYOUT = [
    /^rr: \(g=0\): rw=randread, bs=\(R\) 4096B-4096B, \(W\) 4096B-4096B, \(T\) 4096B-4096B, ioengine=libaio, iodepth=8$/m,
    /^fio-3\.33$/m,
    /^Starting 2 processes$/m,
    /^rr: \(groupid=0, jobs=1\): err= 0: pid=\d+: \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}$/m,
    /^ {2}read: IOPS=[\d.]+k?, BW=[\d.]+[KMG]iB\/s \([\d.]+[kMG]B\/s\)\([\d.]+[KMG]iB\/\d+msec\)$/m,
    /^ {4}slat \((n|u|m)sec\): min=\d+, max=\d+, avg=[ \d.]+, stdev=[ \d.]+$/m,
    /^ {4}clat \((n|u|m)sec\): min=\d+, max=\d+, avg=[ \d.]+, stdev=[ \d.]+$/m,
    /^ {5}lat \((n|u|m)sec\): min=\d+, max=\d+, avg=[ \d.]+, stdev=[ \d.]+$/m,
    /^ {4}clat percentiles \((n|u|m)sec\):\n {5}\| {2}1\.00th=\[ *\d+\], {2}5\.00th=\[ *\d+\], 10\.00th=\[ *\d+\], 20\.00th=\[ *\d+\],$/m,
    /^ {5}\| 99\.99th=\[ *\d+\]$/m,
    /^ {2}lat \((n|u|m)sec\) {3}: (\d+|>=2000)=[\d.]+%/m,
    /^ {2}cpu {10}: usr=[\d.]+%, sys=[\d.]+%, ctx=\d+, majf=\d+, minf=\d+$/m,
    /^ {2}IO depths {4}: 1=[\d.]+%, 2=[\d.]+%, 4=[\d.]+%, 8=[\d.]+%, 16=[\d.]+%, 32=[\d.]+%, >=64=[\d.]+%$/m,
    /^ {5}submit {4}: 0=[\d.]+%, 4=[\d.]+%, 8=[\d.]+%, 16=[\d.]+%, 32=[\d.]+%, 64=[\d.]+%, >=64=[\d.]+%$/m,
    /^ {5}complete {2}: 0=[\d.]+%, 4=[\d.]+%, 8=[\d.]+%, 16=[\d.]+%, 32=[\d.]+%, 64=[\d.]+%, >=64=[\d.]+%$/m,
    /^ {5}issued rwts: total=2000,0,0,0 short=0,0,0,0 dropped=0,0,0,0$/m,
    /^ {5}latency {3}: target=0, window=0, percentile=100\.00%, depth=8$/m,
    /^Run status group 0 \(all jobs\):$/m,
    /^ {3}READ: bw=[\d.]+[KMG]iB\/s \([\d.]+[kMG]B\/s\), [\d.]+[KMG]iB\/s-[\d.]+[KMG]iB\/s \([\d.]+[kMG]B\/s-[\d.]+[kMG]B\/s\), io=[\d.]+[KMG]iB \([\d.]+[kMG]B\), run=\d+-\d+msec$/m,
    /^Disk stats \(read\/write\):$/m,
    /^ {2}\w+: ios=\d+\/\d+, merge=\d+\/\d+, ticks=\d+\/\d+, in_queue=\d+, util=[\d.]+%$/m,
  ];

  /** Where each pattern first matches, in order (-1 when it does not). */
  const positions = (text: string) => {
    let from = 0;
    return LAYOUT.map((re) => {
      const m = new RegExp(re.source, "m").exec(text.slice(from));
      if (!m) return -1;
      from += m.index + m[0].length;
      return from;
    });
  };

  it("lays a job out as fio 3.33 does, line for line", async () => {
    const args = [...SHAPES["randread libaio numjobs=2"], ...common];
    const real = spawnSync("fio", args, { encoding: "utf8" });
    expect(real.status, real.stderr).toBe(0);
    expect(positions(real.stdout)).not.toContain(-1); // the patterns are fio's
    const sim = await runCli("fio", ...args);
    expect(sim.code, sim.stderr).toBe(0);
    expect(positions(sim.stdout)).not.toContain(-1);
    expect(sim.stdout.match(/^rr: \(groupid=0, jobs=1\)/gm)).toHaveLength(2);
  });

  it("--minimal and --output-format=terse write fio's terse v3 line, field for field where fio's are", async () => {
    for (const extra of [
      ["--rw=randread"],
      ["--rw=randwrite", "--ioengine=libaio", "--iodepth=4", "--description=a note"],
    ]) {
      const args = ["--name=t", ...extra, ...common];
      const real = spawnSync("fio", [...args, "--minimal"], { encoding: "utf8" })
        .stdout.trim()
        .split(";");
      for (const how of [["--minimal"], ["--output-format=terse"]]) {
        const sim = await runCli("fio", ...args, ...how);
        expect(sim.code, sim.stderr).toBe(0);
        const fields = sim.stdout.trim().split(";");
        expect(fields.length, how.join(" ")).toBe(real.length); // 130, and the description after them
        expect(fields.slice(0, 3)).toEqual(["3", "fio-3.33", "t"]);
        // Each field is of fio's kind in fio's place: the percentiles' labels, the percent signs, the numbers.
        const shape = (f: string) => f.replace(/=\d+$/, "=N").replace(/^\d+(\.\d+)?(%?)$/, "N$2");
        expect(fields.map(shape).slice(0, 121), extra.join(" ")).toEqual(real.map(shape).slice(0, 121));
        expect(fields[121]).toBe("nvme0n1");
      }
    }
  });

  it("a time_based run keeps its device's busy time and its depth shares within 100%", async () => {
    const args = ["--name=t", "--rw=read", "--bs=256k", "--iodepth=16", "--ioengine=libaio", ...common];
    const sim = await runCli(
      "fio",
      ...args.filter((a) => !a.startsWith("--number_ios")),
      "--time_based",
      "--runtime=1s",
    );
    expect(sim.code, sim.stderr).toBe(0);
    expect(Number(/util=([\d.]+)%/.exec(sim.stdout)![1])).toBeGreaterThan(90); // saturated: fio shows ~100%
    const depth16 = Number(/IO depths {4}: .* 16=([\d.]+)%/.exec(sim.stdout)![1]);
    expect(depth16).toBeGreaterThan(99);
    expect(depth16).toBeLessThanOrEqual(100);
  });

  it("says threads for --thread, '0 zone resets' on a write line, and no slat for a synchronous engine, as fio", async () => {
    const args = ["--name=w", "--rw=randwrite", "--ioengine=psync", "--thread", "--numjobs=2", ...common];
    const real = spawnSync("fio", args, { encoding: "utf8" });
    expect(real.status, real.stderr).toBe(0);
    const sim = await runCli("fio", ...args);
    expect(sim.code, sim.stderr).toBe(0);
    for (const [name, text] of [
      ["fio", real.stdout],
      ["nvmesim", sim.stdout],
    ]) {
      expect(text, name).toMatch(/^Starting 2 threads$/m);
      expect(text, name).toMatch(/^ {2}write: IOPS=.*msec\); 0 zone resets$/m);
      expect(text, name).not.toMatch(/^ {4}slat /m);
    }
    // In JSON too: a synchronous engine has no slat samples, and its clat is the whole latency.
    const json = async (cmd: "fio" | "nvmesim") => {
      const out =
        cmd === "fio"
          ? spawnSync("fio", [...args, "--output-format=json"], { encoding: "utf8" }).stdout
          : (await runCli("fio", ...args, "--output-format=json")).stdout;
      return JSON.parse(out.slice(out.indexOf("{"))).jobs[0].write;
    };
    for (const cmd of ["fio", "nvmesim"] as const) {
      const w = await json(cmd);
      expect(w.slat_ns.N, cmd).toBe(0);
      expect(w.clat_ns.N, cmd).toBe(2000);
    }
    const w = await json("nvmesim");
    expect(w.clat_ns.mean).toBe(w.lat_ns.mean);
  });
});
