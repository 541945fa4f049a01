// Goal: fio's own example job files (Debian's fio-examples) as the README's table says, file by file: each
// either runs (its size and runtime cut short, its target the simulated namespace) or is refused naming what
// nvmesim does not model; and for five that run, the JSON's key paths and the normal text's layout are fio
// 3.33's for the same file, run by fio on a temporary file.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../cli/run-cli";
import { parseJobFile } from "../../src/fio/job-file";
import { FioJobError, jobGroups } from "../../src/fio/jobs";
import { ROOT } from "../../src/wasm/build";

const EXAMPLES = "/usr/share/doc/fio/examples";
const files = readdirSync(EXAMPLES).filter((f) => f.endsWith(".fio"));

/** The README's table: example file -> what nvmesim does with it. */
const table = new Map(
  [...readFileSync(join(ROOT, "README.md"), "utf8").matchAll(/^\| ([\w.-]+\.fio) \| (.+) \|$/gm)].map((m) => [
    m[1],
    m[2],
  ]),
);

const dir = mkdtempSync(join(tmpdir(), "nvmesim-examples-"));
const target = join(dir, "target");

/** The example with its size and runtime cut short and its target `file`, as the test runs it. */
function shortened(example: string, file: string, size = "16m"): string {
  const path = join(dir, `${example}-${size}.fio`);
  const text = readFileSync(join(EXAMPLES, example), "utf8")
    .split("\n")
    .filter((l) => !/^\s*(size|runtime|filename|directory)\s*=/.test(l))
    // logs go to the test's folder, not where the tests run
    .map((l) =>
      l.replace(/^(\s*write_\w+_log\s*=\s*)(\S+)/, (_, opt: string, name: string) => `${opt}${join(dir, name)}`),
    )
    .join("\n");
  writeFileSync(path, `[global]\nsize=${size}\nruntime=1\nfilename=${file}\n${text}`);
  return path;
}

beforeAll(() => {
  writeFileSync(target, Buffer.alloc(16 << 20));
});

describe("fio's example job files, as the README's table says", () => {
  it("the table has every example, and nothing else", () => {
    expect(files.length).toBeGreaterThan(50);
    expect([...table.keys()].sort()).toEqual([...files].sort());
  });

  for (const f of files) {
    const row = table.get(f) ?? "(not in the README)";
    if (row.startsWith("runs")) {
      it(`${f} runs`, async () => {
        const kernel = /--kernel ([\d.]+)/.exec(row)?.[1];
        const out = await runCli(
          "fio",
          shortened(f, "/dev/nvme0n1"),
          ...(kernel ? ["--kernel", kernel] : []),
          "--output-format=json",
        );
        expect(out.code, out.stderr).toBe(0);
        const doc = JSON.parse(out.stdout) as {
          jobs: { read: { total_ios: number }; write: { total_ios: number } }[];
          nvmesim:
            { integrityErrors: number; engineErrors: number } | { integrityErrors: number; engineErrors: number }[];
        };
        expect(doc.jobs.length).toBeGreaterThan(0);
        for (const j of doc.jobs) expect(j.read.total_ios + j.write.total_ios).toBeGreaterThan(0);
        for (const s of [doc.nvmesim].flat()) expect([s.integrityErrors, s.engineErrors]).toEqual([0, 0]);
      });
    } else {
      it(`${f} is refused: ${row}`, () => {
        const named = /`([^`]+)`/.exec(row)?.[1];
        expect(named, row).toBeDefined();
        let message = "";
        try {
          jobGroups(parseJobFile(readFileSync(join(EXAMPLES, f), "utf8"), f), 1 << 30, () => "");
        } catch (err) {
          if (!(err instanceof FioJobError)) throw err;
          message = err.message;
        }
        expect(message, "it ran").not.toBe("");
        expect(message).not.toMatch(/is not a fio option/);
        // the option (or option=value) the row names, as the refusal names it
        expect(message.replace(/ unset: .*/, "")).toContain(named!.replace(/ unset: .*/, "").replace(/=$/, ""));
      });
    }
  }
});

describe("five examples that run, beside fio 3.33 on a temporary file", () => {
  /** Key paths and their JSON types; a list by its first element; options' and bins' own keys left out. */
  const keyPaths = (doc: unknown): string[] => {
    const out = new Set<string>();
    const walk = (o: unknown, p: string) => {
      if (Array.isArray(o)) o.slice(0, 1).forEach((v) => walk(v, `${p}[]`));
      else if (o !== null && typeof o === "object")
        for (const [k, v] of Object.entries(o)) {
          if (
            /^\/jobs\[\]\/(job options|(read|write|trim)\/clat_ns\/(bins|percentile))$|^\/global options$/.test(
              `${p}/${k}`,
            )
          )
            continue;
          walk(v, `${p}/${k}`);
        }
      else out.add(`${p}: ${typeof o}`);
    };
    walk(doc, "");
    return [...out].filter((p) => !p.startsWith("/nvmesim")).sort();
  };
  /** The normal text's layout: each line's kind, in order (value-dependent rows left out). */
  const layout = (text: string): string[] =>
    text.split("\n").flatMap((l): string[] => {
      const kinds: [RegExp, (m: RegExpExecArray) => string][] = [
        [/^(\S+): \(g=(\d+)\): rw=(\w+), bs=/, (m) => `start ${m[1]} g=${m[2]} ${m[3]}`],
        [/^\.\.\.$/, () => "..."],
        [/^Starting (\d+) (process|thread)/, (m) => `starting ${m[1]}`],
        [/^(\S+): \(groupid=(\d+), jobs=(\d+)\)/, (m) => `job ${m[1]} ${m[2]} ${m[3]}`],
        [/^ {2}(read|write): IOPS=/, (m) => m[1]],
        [/^ {4}(slat|clat) \(/, (m) => m[1]],
        [/^ {5}lat \(/, () => "lat"],
        [/^ {2}cpu {10}:/, () => "cpu"],
        [/^ {2}IO depths {4}:/, () => "depths"],
        [/^ {5}issued rwts: total=(\d+),(\d+)/, (m) => `issued ${m[1] === "0" ? 0 : "r"},${m[2] === "0" ? 0 : "w"}`],
        [/^Run status group (\d+)/, (m) => `group ${m[1]}`],
        [/^ {2,3}(READ|WRITE): bw=/, (m) => m[1]],
        [/^Disk stats/, () => "disk"],
      ];
      for (const [re, kind] of kinds) {
        const m = re.exec(l);
        if (m) return [kind(m)];
      }
      return [];
    });

  const FIVE = ["aio-read.fio", "basic-verify.fio", "iometer-file-access-server.fio", "rand-zones.fio", "ssd-test.fio"];
  for (const f of FIVE) {
    it(`${f}: fio's key paths and types, and fio's layout`, async () => {
      expect(table.get(f)).toMatch(/^runs/);
      const file = shortened(f, target, "4m");
      // in the test's folder: fio leaves its verify state files where it runs
      const fio = (format: string) =>
        spawnSync("fio", [file, `--output-format=${format}`], { encoding: "utf8", cwd: dir });
      const realJson = fio("json");
      expect(realJson.status, realJson.stderr).toBe(0);
      const oursJson = await runCli("fio", file, "--output-format=json");
      expect(oursJson.code, oursJson.stderr).toBe(0);
      expect(keyPaths(JSON.parse(oursJson.stdout))).toEqual(keyPaths(JSON.parse(realJson.stdout)));
      const realText = fio("normal");
      const oursText = await runCli("fio", file);
      expect(layout(oursText.stdout)).toEqual(layout(realText.stdout));
      expect(layout(oursText.stdout).length).toBeGreaterThan(8);
    });
  }
});
