// Goal: the checkout's command runs as the bundle in build/cli/, kept in step with src/ with no manual step:
// it prints what tsx's run of the same sources prints, an edit is bundled again on the next start (and an
// unchanged start bundles nothing), a module finds the checkout's root from its source's place, and with
// NVMESIM_DEBUG a thrown error's stack names the source file and line.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../src/wasm/build";

// A checkout of our own: src copied (it is edited), the rest linked.
const copy = mkdtempSync(join(tmpdir(), "nvmesim-bundle-"));
// Times kept: a source newer than build/nvmesim.wasm would have the module built again.
cpSync(join(ROOT, "src"), join(copy, "src"), { recursive: true, preserveTimestamps: true });
for (const entry of ["node_modules", "assembly", "asconfig.json", "package.json", "test"])
  symlinkSync(join(ROOT, entry), join(copy, entry));
mkdirSync(join(copy, "build"));
cpSync(join(ROOT, "build", "nvmesim.wasm"), join(copy, "build", "nvmesim.wasm"), { preserveTimestamps: true });
const bin = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [join(copy, "src/cli/bin.js"), ...args], {
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
const manifest = () => JSON.parse(readFileSync(join(copy, "build", "cli", "manifest.json"), "utf8"));

describe("the checkout's command as plain JavaScript", () => {
  it("prints what tsx's run of the same sources prints", () => {
    for (const args of [
      ["--help"],
      ["sqe", "read", "--slba", "8", "--blocks", "8"],
      ["run", "--number-ios", "3000", "--json"],
    ]) {
      const fast = bin(args);
      const tsx = bin(args, { NVMESIM_TSX: "1" });
      expect(fast.status, fast.stderr).toBe(0);
      expect(fast.stdout).toBe(tsx.stdout);
      expect(fast.stderr).toBe(tsx.stderr);
    }
    const m = manifest();
    expect(Object.keys(m.inputs)).toContain("src/cli/main.ts");
    // the command, and the code the sweep and notebook worker threads load
    for (const entry of ["cli/main.js", "sweep/point-worker.js", "notebook/kernel/node-worker-main.js"])
      expect(statSync(join(copy, "build", "cli", m.bundle, entry)).isFile()).toBe(true);
    // a sweep's worker threads run from the bundle too: the same records as through tsx
    const sweep = (out: string, env: Record<string, string> = {}) =>
      bin(
        [
          "sweep",
          "--axis",
          "path=blk-mq,rw_page",
          "--set",
          "workload.number_ios=2000",
          "--out",
          join(copy, out),
          "--threads",
          "2",
        ],
        env,
      );
    expect(sweep("s-bundle").status).toBe(0);
    expect(sweep("s-tsx", { NVMESIM_TSX: "1" }).status).toBe(0);
    expect(readFileSync(join(copy, "s-bundle", "results.csv"), "utf8")).toBe(
      readFileSync(join(copy, "s-tsx", "results.csv"), "utf8"),
    );
  });

  it("bundles again after an edit, and not otherwise", async () => {
    const before = manifest().bundle;
    bin(["--help"]);
    expect(manifest().bundle).toBe(before);
    const mainFile = join(copy, "src/cli/main.ts");
    writeFileSync(
      mainFile,
      readFileSync(mainFile, "utf8").replace("shows a command's flags.", "shows its flags (edited)."),
    );
    const r = bin(["--help"]);
    expect(r.stdout).toContain("nvmesim <command> --help shows its flags (edited).");
    expect(manifest().bundle).not.toBe(before);
  });

  it("keeps each module's source place: the root, and the stack's file and line", () => {
    const file = join(copy, "src/cli/doorbell.ts");
    const text = readFileSync(file, "utf8");
    const lines = text.split("\n");
    const at = lines.findIndex((l) => /^export (async )?function /.test(l));
    lines.splice(at + 1, 0, '  throw new Error("where am I");');
    writeFileSync(file, lines.join("\n"));
    const r = bin(["doorbell", "--qid", "1"], { NVMESIM_DEBUG: "1" });
    expect(r.stderr).toContain("where am I");
    expect(r.stderr).toContain(`${file}:${at + 2}`);
    // The wasm module is the copy's build/, found from src/wasm/build.ts's place.
    expect(bin(["run", "--number-ios", "1000"]).status).toBe(0);
  });
});
