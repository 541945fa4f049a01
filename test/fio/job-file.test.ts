// Goal: fio's job files and command line mean to nvmesim what they mean to fio: the same jobs, groups and
// options (checked against fio 3.33 itself), fio's value syntax, and one line naming what nvmesim refuses.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseJobFile } from "../../src/fio/job-file";
import { jobGroups } from "../../src/fio/jobs";
import { fioBytes, fioTimeUs } from "../../src/fio/values";
import { runCli } from "../cli/run-cli";

const dir = mkdtempSync(join(tmpdir(), "nvmesim-jobfile-"));
const target = join(dir, "target");
writeFileSync(target, Buffer.alloc(8 << 20));

interface Doc {
  "global options"?: Record<string, string>;
  jobs: { jobname: string; groupid: number; "job options": Record<string, string>; read: { total_ios: number } }[];
}

describe("job files", () => {
  // In the style of fio's examples/: a [global] section, comments, a variable, a second group after stonewall.
  const jobFile = `; two groups on one file
# fio reads \${TARGET} from the environment
[global]
filename=\${TARGET}
size=8m
direct=1
bs=4k
ioengine=libaio

[randread]
rw=randread
iodepth=4
number_ios=500

[seqwrite]
stonewall
rw=write
number_ios=300
numjobs=2
`;

  it("gives the jobs, groups and options fio 3.33 gives", async () => {
    const file = join(dir, "two-groups.fio");
    writeFileSync(file, jobFile);
    const env = { ...process.env, TARGET: target };
    const fioOut = join(dir, "two-groups.fio.json");
    const real = spawnSync("fio", [file, "--output-format=json", `--output=${fioOut}`], { encoding: "utf8", env });
    expect(real.status, real.stderr).toBe(0);
    process.env.TARGET = target;
    const sim = await runCli("fio", file, "--output-format=json");
    delete process.env.TARGET;
    expect(sim.code, sim.stderr).toBe(0);
    const want = JSON.parse(readFileSync(fioOut, "utf8")) as Doc;
    const got = JSON.parse(sim.stdout) as Doc;
    const shape = (d: Doc) => d.jobs.map((j) => [j.jobname, j.groupid, j["job options"], j.read.total_ios]);
    expect(shape(got)).toEqual(shape(want));
    expect(got["global options"]).toEqual(want["global options"]);
    expect(Array.isArray((got as unknown as { nvmesim: unknown[] }).nvmesim)).toBe(true); // one section per group
  });

  it("keeps [global] as written before each job, and a later [global] for the jobs after it", () => {
    const jobs = parseJobFile("[global]\nbs=4k\n[a]\nrw=read\n[global]\nbs=8k\n[b]\n", "f.fio");
    expect(jobs.map((j) => [j.name, j.global.map((o) => o.value)])).toEqual([
      ["a", ["4k"]],
      ["b", ["4k", "8k"]],
    ]);
  });

  it("runs jobs beside each other as one simulation when they do the same I/O", () => {
    const jobs = parseJobFile("[global]\nrw=randread\ndirect=1\nnumber_ios=10\n[a]\n[b]\nnumjobs=2\n", "f.fio");
    const [group] = jobGroups(jobs, 1 << 20);
    expect(group.threadNames).toEqual(["a", "b", "b"]);
    expect(group.workload).toMatchObject({ numjobs: 3, number_ios: 30, rw: "randread", ioengine: "psync", iodepth: 1 });
  });

  it("runs jobs that differ beside each other, each its own job of one simulation", () => {
    const jobs = parseJobFile(
      "[global]\ndirect=1\nioengine=libaio\nnumber_ios=10\n[r]\nrw=randread\niodepth=4\n[w]\nrw=write\nbs=64k\nnumjobs=2\n",
      "f.fio",
    );
    const [group] = jobGroups(jobs, 1 << 20);
    expect(group.threadNames).toEqual(["r", "w", "w"]);
    expect(group.workload).toMatchObject({
      ioengine: "libaio",
      jobs: [
        { name: "r", rw: "randread", iodepth: 4, bs: 4096, numjobs: 1, number_ios: 10 },
        { name: "w", rw: "write", iodepth: 1, bs: 65536, numjobs: 2, number_ios: 20 },
      ],
    });
    expect(group.jobLines.map((l) => [l.name, l.rw, l.iodepth, l.numjobs])).toEqual([
      ["r", "randread", 4, 1],
      ["w", "write", 1, 2],
    ]);
  });

  const refused: [string, RegExp][] = [
    ["[j]\ndirect=1\niodpeth=4\n", /j\.fio:3: 'iodpeth' is not a fio option \(did you mean iodepth\?\)/],
    ["[j]\ndirect=1\nlatency_target=10ms\n", /j\.fio:3: fio option 'latency_target' is not modelled by nvmesim/],
    ["[j]\ndirect=1\ncpus_allowed=0-99\n", /job 'j': cpus_allowed: "0-99" names CPU 4, and the run has CPUs 0\.\.3/],
    ["[j]\ndirect=1\nbssplit=4k/60:8k/60\n", /j\.fio:3: bssplit=4k\/60:8k\/60: the percentages add up to 120/],
    ["[j]\nrw=randread\n", /job 'j': fio's default is buffered I\/O \(direct=0\).*add direct=1/],
    ["[j]\ndirect=0\n", /j\.fio:2: direct=0: buffered I\/O .* is not modelled/],
    ["[j]\ndirect=1\nbs=4k,8k\n", /bs=4k,8k: different read and write block sizes are not modelled/],
    ["[j]\ndirect=1\nrw=trim\n", /rw=trim: nvmesim models read, write, randread/],
    [
      "[j]\ndirect=1\nioengine=libaio\nhipri\n",
      /j\.fio:4: hipri: is an option of io_uring, io_uring_cmd and pvsync2, not libaio/,
    ],
    ["[j]\ndirect=1\nsize=1x\n", /size=1x: not an integer with an optional unit/],
    ["[j]\ndirect=1\nruntime=1.5s\n", /runtime=1\.5s: not an integer time/],
    [
      "[a]\ndirect=1\nrw=read\n[b]\ndirect=1\nrw=write\nioengine=libaio\n",
      /job 'b' runs beside 'a' with another ioengine.*stonewall/,
    ],
    ["direct=1\n[j]\n", /j\.fio:1: 'direct=1' comes before any \[section\]/],
  ];
  for (const [text, message] of refused) {
    it(`refuses ${JSON.stringify(text)} in one line`, async () => {
      const file = join(dir, "j.fio");
      writeFileSync(file, text);
      const out = await runCli("fio", file);
      expect(out.code).toBe(2);
      expect(out.stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(out.stderr).toMatch(message);
    });
  }

  it("reads an unset ${VAR} as empty, as fio does, and says so", async () => {
    const file = join(dir, "unset.fio");
    writeFileSync(file, `[j]\ndirect=1\nfilename=\${NVMESIM_UNSET_VARIABLE}${target}\nsize=1m\nnumber_ios=10\n`);
    const out = await runCli("fio", file, "--output-format=json");
    expect(out.code, out.stderr).toBe(0);
    expect(out.stderr).toMatch(
      /^note: .*unset\.fio:3: \$\{NVMESIM_UNSET_VARIABLE\} is not set in the environment: fio reads it as empty\n$/,
    );
    expect(JSON.parse(out.stdout).jobs[0]["job options"].filename).toBe(target);
  });

  it("takes comments after a value, as fio does", () => {
    const [job] = parseJobFile("[j] ; the job\nnumjobs=4\t; four threads\nbs=8k # eight\n", "f.fio");
    expect(job.options.map((o) => [o.name, o.value])).toEqual([
      ["numjobs", "4"],
      ["bs", "8k"],
    ]);
  });

  it("refuses an unknown program option and a job-less command line", async () => {
    const format = await runCli("fio", "--name=j", "--direct=1", "--output-format=jsn");
    expect(format.stderr).toMatch(
      /invalid --output-format 'jsn' \(allowed: normal, json, json\+, terse\); did you mean json\?/,
    );
    expect((await runCli("fio", "--bs=4k")).stderr).toMatch(/no job \(fio needs --name=JOB or a job file\)/);
    const output = await runCli("fio", "--name=j", "--direct=1", "--number_ios=10", "--output=/nonexistent/out.json");
    expect([output.code, output.stderr]).toEqual([
      2,
      expect.stringMatching(/cannot write --output '\/nonexistent\/out\.json': ENOENT/),
    ]);
  });

  it("takes size=N%, a runtime its size ends first, and names fio's option and job in what it refuses", async () => {
    const job = ["--name=j", "--rw=read", `--filename=${target}`, "--direct=1"];
    const bytes = async (...args: string[]) =>
      (
        JSON.parse((await runCli("fio", ...job, ...args, "--output-format=json")).stdout) as {
          jobs: { read: { io_bytes: number } }[];
        }
      ).jobs[0].read.io_bytes;
    expect(await bytes("--size=1%")).toBe(Math.floor((1 << 30) / 100 / 4096) * 4096); // of the simulated namespace
    expect((await runCli("fio", ...job, "--size=101%")).stderr).toMatch(
      /size=101%: a share of the target is written 1% to 100%/,
    );
    // fio ends a job at its size whatever a longer runtime says; so does nvmesim.
    expect(await bytes("--size=1m", "--runtime=999999999")).toBe(1 << 20);
    expect((await runCli("fio", ...job, "--size=1m", "--runtime=999999999", "--time_based")).stderr).toMatch(
      /job 'j': runtime=999999999s with time_based: nvmesim simulates at most 1000000 s/,
    );
    const depth = await runCli("fio", ...job, "--size=1m", "--ioengine=libaio", "--iodepth=70000");
    expect(depth.stderr).toMatch(
      /^nvmesim fio: command line: job 'j': iodepth: 70000 is not an integer in 1\.\.65535$/m,
    );
    expect(depth.stderr).not.toMatch(/workload\./);
  });

  it("takes fio's own program options with fio's meaning, and refuses what fio refuses", async () => {
    const job = ["--name=j", "--rw=randread", `--filename=${target}`, "--size=1m", "--direct=1", "--number_ios=50"];
    const fio = (...args: string[]) => spawnSync("fio", args, { encoding: "utf8" });
    // --version prints fio's version line, as fio 3.33's.
    expect((await runCli("fio", "--version")).stdout).toBe(fio("--version").stdout);
    // --eta, --eta-newline and --status-interval are accepted (a simulation prints no progress lines).
    const quiet = await runCli("fio", ...job, "--eta=never", "--eta-newline=2", "--status-interval=1s");
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stderr).toBe("");
    // --eta=always shows the run's progress on stderr even off a terminal (auto: on a terminal only).
    const shown = await runCli("fio", ...job, "--eta=always", "--output-format=json");
    expect(shown.stderr).toMatch(/^fio \|.*\| 100% \| group 1\/1 \| simulated [\d.]+ s/m);
    expect(JSON.parse(shown.stdout).jobs[0].read.total_ios).toBe(50); // the output itself untouched
    expect((await runCli("fio", ...job, "--eta=sometimes")).stderr).toMatch(/invalid --eta 'sometimes'/);
    // bs= with nothing, or a bare --bs: fio says the option requires an argument.
    for (const bad of ["--bs=", "--bs"]) {
      expect((await runCli("fio", ...job, bad)).stderr, bad).toMatch(/option bs requires an argument/);
      expect(fio(...job, bad).status, bad).not.toBe(0);
    }
    // kb_base=1000 reads sizes in powers of 1000, but the default block size stays 4096 bytes.
    const kb = JSON.parse((await runCli("fio", ...job, "--kb_base=1000", "--output-format=json")).stdout) as {
      jobs: { read: { io_bytes: number; total_ios: number } }[];
    };
    expect(kb.jobs[0].read.io_bytes / kb.jobs[0].read.total_ios).toBe(4096);
    // --section runs only the named sections of a job file; --readonly refuses a job that writes, as fio does.
    const file = join(dir, "two.fio");
    writeFileSync(
      file,
      `[a]\nrw=read\nsize=1m\nfilename=${target}\ndirect=1\nnumber_ios=50\n[b]\nrw=write\nsize=1m\nfilename=${target}\ndirect=1\nnumber_ios=50\n`,
    );
    const section = await runCli("fio", "--section=a", file, "--output-format=json");
    expect((JSON.parse(section.stdout) as Doc).jobs.map((j) => j.jobname)).toEqual(["a"]);
    expect(fio("--readonly", file).stderr).toMatch(/job <b> has write or trim bit set, but fio is in read-only mode/);
    expect((await runCli("fio", "--readonly", file)).stderr).toMatch(
      /job <b> has write or trim bit set, but fio is in read-only mode/,
    );
  });
});

describe("fio's value syntax", () => {
  it("reads sizes with fio's kb_base rules", () => {
    expect(fioBytes("bs", "4k")).toBe(4096);
    expect(fioBytes("bs", "4K")).toBe(4096);
    expect(fioBytes("size", "1g")).toBe(1 << 30);
    expect(fioBytes("size", "2MB")).toBe(2 << 20);
    expect(fioBytes("bs", "4KiB")).toBe(4000); // fio: with kb_base=1024 the IEC spelling is decimal
    expect(fioBytes("bs", "4k", 1000)).toBe(4000);
    expect(fioBytes("bs", "4KiB", 1000)).toBe(4096);
    expect(fioBytes("bs", "0x1000")).toBe(4096);
    expect(() => fioBytes("bs", "4q")).toThrow(/bs=4q: not an integer with an optional unit/);
  });

  it("reads times in fio's units, a bare runtime in seconds", () => {
    expect(fioTimeUs("runtime", "30", true)).toBe(30e6);
    expect(fioTimeUs("runtime", "1s", true)).toBe(1e6);
    expect(fioTimeUs("runtime", "250ms", true)).toBe(250e3);
    expect(fioTimeUs("runtime", "2m", true)).toBe(120e6);
    expect(fioTimeUs("runtime", "1h", true)).toBe(3600e6);
    expect(() => fioTimeUs("runtime", "1w", true)).toThrow(/us, ms, s, m, h, d/);
  });

  it("takes kb_base from the job", () => {
    const [g] = jobGroups(parseJobFile("[j]\ndirect=1\nkb_base=1000\nsize=8k\nbs=4k\n", "f"), 1 << 20);
    expect(g.workload).toMatchObject({ size: 8000, bs: 4000 });
  });
});
