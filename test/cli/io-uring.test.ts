// Goal: nvmesim io_uring takes t/io_uring's command line as published figures give it and prints what
// t/io_uring prints; nvmesim paths lists a kernel's every step with its file, cost and source; nvmesim fio
// takes a t/io_uring-shaped fio job on today's kernel, and the passthrough engine.
import { describe, expect, it } from "vitest";
import { uringIops } from "../../src/cli/io-uring";
import { runCli } from "./run-cli";

describe("nvmesim io_uring", () => {
  it("prints t/io_uring's lines for a pasted command, and --json has the CPU per I/O by layer", async () => {
    const r = await runCli(
      "io_uring",
      "-d128",
      "-s32",
      "-c32",
      "-b512",
      "-p1",
      "-B1",
      "-F1",
      "-n1",
      "--kernel",
      "6.8",
      "-r",
      "3",
    );
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toBe("submitter=0, tid=1, file=/dev/nvme0n1, nfiles=1, node=-1");
    expect(lines[1]).toBe("polled=1, fixedbufs=1, register_files=1, buffered=0, QD=128");
    expect(lines[2]).toBe("Engine=io_uring, sq_ring=128, cq_ring=128");
    // -r 3: t/io_uring prints a line for each of the first two seconds.
    expect(lines.slice(3, 5).every((l) => /^IOPS=\d+\.\d\dM, BW=\d+MiB\/s, IOS\/call=\d+\/\d+$/.test(l))).toBe(true);
    expect(lines.slice(5)).toEqual(["Exiting on timeout", expect.stringMatching(/^Maximum IOPS=\d+\.\d\dM$/)]);
    const json = JSON.parse(
      (
        await runCli(
          "io_uring",
          "-d128",
          "-s32",
          "-c32",
          "-b512",
          "-p0",
          "-B1",
          "-F1",
          "-n1",
          "--kernel",
          "6.8",
          "-r1",
          "--json",
        )
      ).stdout,
    );
    const layers = json.nvmesim.layers.map((l: { layer: string }) => l.layer);
    expect(layers).toEqual(expect.arrayContaining(["syscall", "io_uring", "block", "nvme", "irq"]));
    expect(json.nvmesim.config.host.kernel).toBe("6.8");
    expect(json.nvmesim.config.workload).toMatchObject({ ioengine: "io_uring", bs: 512, iodepth_batch_submit: 32 });
  });

  it("takes each namespace named as a device, block or char, and refuses what it cannot model by name", async () => {
    const two = await runCli("io_uring", "-u1", "-O0", "-p0", "-B0", "-r1", "--json", "/dev/ng0n1", "/dev/ng1n1");
    expect(JSON.parse(two.stdout).nvmesim.config.device.count).toBe(2);
    expect(JSON.parse(two.stdout).nvmesim.config.workload.ioengine).toBe("io_uring_cmd");
    // fio's own "job options" name the engine the run stood for, not a stand-in.
    expect(JSON.parse(two.stdout).jobs[0]["job options"]).toMatchObject({
      ioengine: "io_uring_cmd",
      cmd_type: "nvme",
      registerfiles: "1",
      iodepth_batch_submit: "32",
    });
    const refused: [string[], RegExp][] = [
      [["-N1"], /: -N: no-op requests/],
      [["-O0"], /-O0: buffered I\/O/],
      [["-u1", "/dev/nvme0n1"], /device '\/dev\/nvme0n1': with -u1 a device is \/dev\/ngXnY/],
      [["/dev/ng0n1"], /with -u0 a device is \/dev\/nvmeXnY/],
      [["-d", "x"], /: -d "x": queue depth takes an integer/],
      [["-Z1"], /unknown t\/io_uring flag '-Z'/],
      [["--kernel", "3.19"], /io_uring on Linux 3\.19: io_uring arrived in 5\.1/],
    ];
    for (const [argv, message] of refused) {
      const r = await runCli("io_uring", ...argv);
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.stderr, argv.join(" ")).toMatch(message);
    }
  });

  it("spells IOPS as t/io_uring does", () => {
    expect(uringIops(13_043_500)).toBe("13.04M");
    expect(uringIops(913_200)).toBe("913.20K");
    expect(uringIops(73_312)).toBe("73312");
  });
});

describe("nvmesim paths --kernel", () => {
  it("lists every step of today's path with its file, its cost and where the cost came from", async () => {
    const r = await runCli("paths", "--kernel", "6.8", "--json");
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.cpu).toBe("core-i9-12900k");
    const steps = doc.runs.flatMap((run: { groups: { steps: object[] }[] }) => run.groups.flatMap((g) => g.steps));
    expect(steps.length).toBeGreaterThan(40);
    for (const s of steps as { symbol: string; ns?: number; source?: string; file?: string }[]) {
      expect(s.ns, s.symbol).toBeGreaterThanOrEqual(0);
      expect(s.source, s.symbol).toMatch(/table: /);
    }
    expect(steps.map((s: { symbol: string }) => s.symbol)).toEqual(
      expect.arrayContaining(["entry_SYSCALL_64", "io_submit_sqes", "blk_mq_submit_bio", "nvme_queue_rqs"]),
    );
    const text = (await runCli("paths", "--kernel", "6.8", "--engine", "io_uring_cmd")).stdout;
    expect(text).toMatch(/nvme_uring_cmd_io +\d+\.\d ns +nvme +drivers\/nvme\/host\/ioctl\.c/);
  });
});

describe("nvmesim fio on today's kernel", () => {
  const job = [
    "--name=peak",
    "--rw=randread",
    "--direct=1",
    "--hipri",
    "--fixedbufs",
    "--registerfiles",
    "--iodepth=128",
    "--iodepth_batch_submit=32",
    "--iodepth_batch_complete_min=32",
    "--bs=512",
    "--number_ios=20000",
    "--kernel",
    "6.8",
    "--output-format=json",
  ];
  it("takes a t/io_uring-shaped job and its passthrough twin, each priced with its system calls", async () => {
    for (const engine of [["--ioengine=io_uring"], ["--ioengine=io_uring_cmd", "--cmd_type=nvme"]]) {
      const r = await runCli("fio", ...engine, ...job);
      expect(r.code, r.stderr).toBe(0);
      const doc = JSON.parse(r.stdout);
      expect(doc.jobs[0].read.total_ios).toBe(20_000);
      expect(doc.nvmesim.config.workload).toMatchObject({
        bs: 512,
        hipri: true,
        fixedbufs: true,
        iodepth_batch_submit: 32,
      });
      const layers = doc.nvmesim.layers.map((l: { layer: string }) => l.layer);
      expect(layers).toEqual(expect.arrayContaining(["syscall", "io_uring", "nvme"]));
    }
    const old = await runCli("fio", "--ioengine=io_uring", ...job.slice(0, -3), "--output-format=json");
    expect(old.code).toBe(2);
    expect(old.stderr).toMatch(/io_uring arrived in 5\.1/);
  });
});
