// Goal: the inspection commands (sqe, cqe, prp, doorbell) print spec-exact results and answer
// bad input with exit status 2 and one line naming the flag, the value and what is allowed.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import prpVectors from "../vectors/prp.json";
import sqeVectors from "../vectors/sqe.json";
import { runCli, spawnCli } from "./run-cli";

describe("nvmesim sqe", () => {
  it("encodes the spec vectors byte for byte", async () => {
    for (const v of sqeVectors.vectors) {
      const r = v.request as unknown as Record<string, string | number | boolean>;
      const flags = Object.entries(r)
        .filter(([k]) => k !== "command")
        .flatMap(([k, value]) => (value === true ? [`--${k}`] : [`--${k}`, String(value)]));
      const out = await runCli("sqe", String(r.command), ...flags, "--json");
      expect(out.code, out.stderr).toBe(0);
      expect(JSON.parse(out.stdout).hex, v.name).toBe(v.hex);
    }
  });

  it("prints hex and the decoded fields, nlb as the 0's based field", async () => {
    const out = await runCli("sqe", "read", "--blocks", "8", "--slba", "0xffffffffffffffff", "--cid", "0x10");
    expect(out.stdout).toContain("  00: 02 00 10 00 01 00 00 00  00 00 00 00 00 00 00 00");
    expect(out.stdout).toMatch(/nlb\s+7\s+0's based: 8 logical blocks/);
    expect(out.stdout).toMatch(/slba\s+0xffffffffffffffff/);
  });

  it("decodes 128 hex digits", async () => {
    const v = sqeVectors.vectors[1];
    const out = await runCli("sqe", "--decode", v.hex, "--json");
    const doc = JSON.parse(out.stdout);
    expect(doc.command).toBe("write");
    expect(doc.fields).toMatchObject({
      slba: "0xffffffffffffffff",
      nlb: 65535,
      fua: true,
      lr: true,
      dspec: 0xabcd,
      appmask: 0xffff,
    });
  });

  const bad: [string[], RegExp][] = [
    [["sqe", "read", "--blocks", "0"], /--blocks '0'.*1\.\.65536/],
    [["sqe", "read", "--blocks", "65537"], /--blocks '65537'.*1\.\.65536/],
    [["sqe", "read", "--slba", "0x10000000000000000"], /--slba '0x10000000000000000'.*0\.\.0xffffffffffffffff/],
    [["sqe", "read", "--nsid", "12abc"], /--nsid '12abc'.*integer/],
    [["sqe", "read", "--cid", "-1"], /--cid '-1'.*0\.\.65535/], // a negative number is the value, as with =
    [["sqe", "read", "--cid=-1"], /--cid '-1'.*0\.\.65535/],
    [["sqe", "read", "--fua=1"], /--fua takes no value/],
    [["sqe", "write", "--dspec", "0x10000"], /--dspec '0x10000'.*0\.\.65535/],
    [["sqe", "flush", "--fua"], /--fua does not apply to flush/],
    [["sqe", "read", "--deac"], /--deac does not apply to read/],
    [["sqe", "dsm", "--ranges", "257"], /--ranges '257'.*1\.\.256/],
    [["sqe", "erase"], /unknown command 'erase'.*read, write, flush, write-zeroes, dsm/],
    [["sqe", "read", "--bogus"], /unknown flag --bogus/],
    [["sqe", "read", "--nsid"], /--nsid needs a value/],
    [["sqe", "--decode", "00ff"], /--decode.*4 hex digits.*128/],
    [["sqe", "--decode", "zz".repeat(64)], /--decode.*non-hex/],
    [["cqe", "--sct", "8"], /--sct '8'.*0\.\.7/],
    [["cqe", "--phase", "2"], /--phase '2'.*0\.\.1/],
    [["cqe", "--decode", "00"], /--decode.*32 hex digits/],
    [["doorbell", "--qid", "65536"], /--qid '65536'.*0\.\.65535/],
    [["doorbell", "--qid", "1", "--dstrd", "16"], /--dstrd '16'.*0\.\.15/],
    [["doorbell"], /--qid is required/],
    [["prp", "--seg", "0x1001:4096"], /dword.*--seg '0x1001:4096'/],
    [["prp", "--seg", "0x1000:4096", "--seg", "0x2200:4096"], /segment 1 must start on a 4096-byte page boundary/],
    [["prp", "--seg", "0x1000:2048", "--seg", "0x2000:4096"], /segment 0 must end on a 4096-byte page boundary/],
    [["prp", "--seg", "0x1000:8192", "--max-bytes", "4096"], /exceeds the maximum of 4096 bytes/],
    [["prp", "--seg", "0x1000"], /--seg '0x1000'.*ADDR:LEN/],
    [["prp", "--seg", "0x1000:0"], /--seg '0x1000:0': the length must be 1\.\.4294967295/],
    [["prp", "--seg", "0x10000000000000000:1"], /--seg '0x10000000000000000:1': the address must be below 2\^64/],
    [["prp", "--seg", "0x1000:4096", "--page-size", "5000"], /--page-size '5000'.*power of two from 4096/],
    [["prp", "--seg", "0x1000:4096", "--list-base", "0x123"], /--list-base '0x123'.*multiple of the page size/],
    [["prp", "--walk", "--prp1", "0x1000", "--prp2", "0"], /--walk needs --len/],
    [["prp", "--prp1", "0x1000"], /--prp1 needs --walk/],
    [["frobnicate"], /unknown command 'frobnicate'/],
  ];
  for (const [argv, message] of bad) {
    it(`rejects ${argv.join(" ")}`, async () => {
      const out = await runCli(...argv);
      expect(out.code).toBe(2);
      expect(out.stdout).toBe("");
      expect(out.stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(out.stderr).toMatch(message);
    });
  }
});

describe("nvmesim cqe", () => {
  it("encodes and names a status", async () => {
    const out = await runCli(
      "cqe",
      "--cid",
      "5",
      "--sqid",
      "1",
      "--sqhd",
      "3",
      "--phase",
      "1",
      "--sct",
      "0",
      "--sc",
      "0x13",
      "--dnr",
      "--json",
    );
    const doc = JSON.parse(out.stdout);
    expect(doc.hex).toBe("00000000000000000300010005002780");
    expect(doc.status).toMatchObject({ name: "PRP Offset Invalid", dnr: true, phase: 1, sc: 0x13, sct: 0 });
  });

  it("decodes a media error", async () => {
    const out = await runCli("cqe", "--decode", "00000000000000000900040003000305");
    expect(out.stdout).toContain("Unrecovered Read Error");
    expect(out.stdout).toMatch(/sct\s+2/);
  });
});

describe("nvmesim doorbell", () => {
  it("gives 1000h + (2y [+1]) * (4 << DSTRD)", async () => {
    expect(JSON.parse((await runCli("doorbell", "--qid", "1", "--json")).stdout)).toMatchObject({
      sqTail: "0x1008",
      cqHead: "0x100c",
    });
    expect(JSON.parse((await runCli("doorbell", "--qid", "3", "--dstrd", "2", "--json")).stdout)).toMatchObject({
      sqTail: "0x1060",
      cqHead: "0x1070",
    });
    expect(JSON.parse((await runCli("doorbell", "--qid", "65535", "--dstrd", "15", "--json")).stdout)).toMatchObject({
      sqTail: `0x${(0x1000n + 2n * 65535n * (4n << 15n)).toString(16)}`,
    });
  });
});

describe("nvmesim prp", () => {
  it("--json has exactly the documented shape for every build vector", async () => {
    for (const v of prpVectors.build.filter((b) => b.error === undefined)) {
      const flags = v.segs.flatMap((s) => ["--seg", s]);
      if (v.pageSize) flags.push("--page-size", String(v.pageSize));
      if (v.listBase) flags.push("--list-base", v.listBase);
      const out = await runCli("prp", ...flags, "--json");
      expect(out.code, out.stderr).toBe(0);
      expect(out.stdout, v.name).toBe(JSON.stringify({ prp1: v.prp1, prp2: v.prp2, listPages: v.listPages }) + "\n");
    }
  });

  it("walks what it built, through a --list file", async () => {
    const built = await runCli("prp", "--seg", "0x100800:2101248", "--json");
    const dir = mkdtempSync(join(tmpdir(), "nvmesim-"));
    const file = join(dir, "list.json");
    writeFileSync(file, built.stdout);
    const doc = JSON.parse(built.stdout);
    expect(doc.listPages).toHaveLength(2);
    const out = await runCli(
      "prp",
      "--walk",
      "--prp1",
      doc.prp1,
      "--prp2",
      doc.prp2,
      "--len",
      "2101248",
      "--list",
      file,
      "--json",
    );
    const walked = JSON.parse(out.stdout);
    expect(walked.status).toMatchObject({ sc: 0, name: "Successful Completion" });
    expect(walked.pages).toHaveLength(514);
    expect(walked.pages[0]).toEqual({ addr: "0x100800", len: 2048 });
    expect(walked.pages[513]).toEqual({ addr: "0x301000", len: 2048 });
  });

  it("shows the controller's status for a bad PRP2", async () => {
    const out = await runCli("prp", "--walk", "--prp1", "0x100000", "--prp2", "0x101200", "--len", "8192");
    expect(out.code).toBe(0);
    expect(out.stdout).toBe("status: PRP Offset Invalid (SCT 0, SC 0x13, DNR)\n");
  });

  it("names the JSON path of a bad --list file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nvmesim-"));
    const file = join(dir, "bad.json");
    writeFileSync(file, JSON.stringify({ listPages: [{ addr: "0x10000000", entries: ["0x1000", 12] }] }));
    const out = await runCli("prp", "--walk", "--prp1", "0", "--prp2", "0x10000000", "--len", "12288", "--list", file);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/listPages\[0\]\.entries\[1\]: 12 is not a 0x hex string/);
  });
});

describe("the nvmesim bin", () => {
  it("runs as a process: data on stdout, exit 0", () => {
    const out = spawnCli("prp", "--seg", "0x100000:12288", "--json");
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual({
      prp1: "0x100000",
      prp2: "0x10000000",
      listPages: [{ addr: "0x10000000", entries: ["0x101000", "0x102000"] }],
    });
  });

  it("bad input: exit 2, one line on stderr, no stack trace", () => {
    const out = spawnCli("sqe", "read", "--blocks", "70000");
    expect(out.code).toBe(2);
    expect(out.stderr).toBe(
      "nvmesim sqe: invalid --blocks '70000': must be an integer in 1..65536 (decimal or 0x hex)\n",
    );
  });
});
