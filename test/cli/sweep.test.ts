// Goal: nvmesim sweep's mistakes are one line naming the file and the spot, exit 2, before any work;
// --list shows the grid without running it.
import { mkdtempSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./run-cli";

const tmp = mkdtempSync(join(tmpdir(), "nvmesim-sweep-cli-"));
const file = (name: string, text: string) => {
  writeFileSync(join(tmp, name), text);
  return join(tmp, name);
};

describe("nvmesim sweep", () => {
  it("--list prints the grid size and the first points, and runs nothing", async () => {
    const r = await runCli("sweep", "--axis", "path=blk-mq,rw_page", "--axis", "iodepth=1..256x2", "--list");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^18 points: path \(2\) x iodepth \(9\)\n {2}0: path=blk-mq iodepth=1 seed=\d+\n/);
    expect(r.stdout).toMatch(/\.\.\. 8 more\n$/);
  });

  const bad: [string[], RegExp][] = [
    [[file("broken.json", "{ axes: ")], /broken\.json is not valid JSON/],
    [
      [file("typo.json", '{"axes":{"iodept":[1,2]}}')],
      /typo\.json: axes\.iodept: unknown parameter 'iodept' \(did you mean .*iodepth\?\)/,
    ],
    [[file("type.json", '{"axes":{"iodepth":[1,"two"]}}')], /type\.json: axes\.iodepth\[1\]: "two" is not a number/],
    [["--axis", "iodepth=1..100000"], /the grid has 100000 points, more than 10000: add --yes/],
    [["--axis", "iodepth"], /--axis iodepth: write NAME=V1,V2/],
    [
      ["--axis", "iodepth=1,2", "--set", "workload.bs=3k"],
      /^nvmesim sweep: flags: base: no point can run: workload\.bs: 3072 is not 512, 1024, 2048 or a multiple of 4096/,
    ],
    [["--axis", "iodepth=1,2"], /--out DIR is required/],
    [["--axis", "iodepth=1,2", "--out", join(tmp, "o"), "--threads", "0"], /invalid --threads '0'/],
    [
      ["--axis", "iodepth=1,2", "--out", join(tmp, "o"), "--shard-index", "1"],
      /--shard-index and --shard-count go together/,
    ],
  ];
  for (const [args, message] of bad) {
    it(`${args.join(" ").replace(tmp, "")} -> exit 2`, async () => {
      const r = await runCli("sweep", ...args);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.code).toBe(2);
      expect(existsSync(join(tmp, "o"))).toBe(false);
    });
  }

  it("merge names what is missing", async () => {
    const r = await runCli("merge", join(tmp, "nowhere"), "--out", join(tmp, "m"));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nowhere is not a sweep directory/);
  });
});
