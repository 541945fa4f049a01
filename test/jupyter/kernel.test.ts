// Goal: nvmesim is a Jupyter kernel the real clients run: its kernelspec installed where Jupyter looks (jupyter
// kernelspec list shows it), and Debian's jupyter_client (what JupyterLab, nbclient and VS Code use) starts it,
// runs cells with the page's outputs, completes and inspects from the page's API docs, tells complete code from
// incomplete, drops a message signed with the wrong key unrun, interrupts a long simulate within a second,
// restarts and shuts down.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../src/wasm/build";
import { spawnCli } from "../cli/run-cli";

const PYTHON = "/usr/bin/python3";
const data = mkdtempSync(join(tmpdir(), "nvmesim-jupyter-"));
const env = { ...process.env, JUPYTER_DATA_DIR: data };

describe("the Jupyter kernel", () => {
  it("installs its kernelspec where Jupyter looks, and jupyter's kernelspec list shows it", () => {
    const r = spawnSync(process.execPath, [join(ROOT, "src/cli/bin.js"), "kernel", "install", "--user"], {
      encoding: "utf8",
      env,
    });
    expect(r.status, r.stderr).toBe(0);
    const spec = JSON.parse(readFileSync(join(data, "kernels", "nvmesim", "kernel.json"), "utf8"));
    expect(spec).toMatchObject({
      display_name: "nvmesim (TypeScript)",
      language: "typescript",
      interrupt_mode: "message",
      argv: [process.execPath, join(ROOT, "src/cli/bin.js"), "kernel", "--connection-file", "{connection_file}"],
    });
    for (const size of [32, 64]) {
      const png = readFileSync(join(data, "kernels", "nvmesim", `logo-${size}x${size}.png`));
      expect(png.subarray(1, 4).toString()).toBe("PNG");
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([size, size]);
    }
    const list = spawnSync("jupyter", ["kernelspec", "list", "--json"], { encoding: "utf8", env });
    expect(list.status, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout).kernelspecs.nvmesim.spec.display_name).toBe("nvmesim (TypeScript)");
  });

  it("runs cells, completes, inspects, drops a wrongly signed message, interrupts, restarts and shuts down", () => {
    const r = spawnSync(PYTHON, [join(ROOT, "test/jupyter/client.py"), "nvmesim"], {
      encoding: "utf8",
      env,
      timeout: 240_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect([out.language, out.protocol]).toEqual(["typescript", "5.3"]);
    expect(out.sum).toEqual({
      status: "ok",
      count: 1,
      outputs: [
        ["execute_input", 1],
        ["execute_result", ["text/plain"], "2"],
      ],
    });
    expect(out.simulate.status).toBe("ok");
    expect(out.simulate.outputs[1][0]).toBe("stream");
    expect(out.simulate.outputs[1][1]).toMatch(/^iops \d+\n$/);
    expect(out.simulate.outputs[2]).toEqual(["execute_result", ["text/plain"], "20000"]);
    // a sweep's chart: Plot's SVG, as the page shows it, updated in place as points finish
    const svg = out.chart.outputs.filter((o: unknown[]) => (o[1] as string[] | undefined)?.includes?.("image/svg+xml"));
    expect(svg.length).toBeGreaterThan(0);
    expect(out.error).toMatchObject({
      status: "error",
      outputs: [
        ["execute_input", 4],
        ["error", "TypeError"],
      ],
    });
    expect(out.complete.matches).toContain("iodepth");
    expect(out.complete.cursor_start).toBe(29);
    expect(out.inspect.found).toBe(true);
    expect(out.inspect.data["text/plain"]).toMatch(/^simulate\(config\?: RunConfig/);
    expect(out.is_complete).toEqual(["incomplete", "invalid", "complete"]);
    expect(out.wrong_key_replies).toEqual([]);
    expect(out.after_wrong_key.outputs.at(-1)).toEqual(["execute_result", ["text/plain"], "undefined"]);
    expect(out.interrupt_seconds).toBeLessThan(1);
    expect(out.interrupt_status).toBe("error");
    expect(out.after_restart.outputs.at(-1)).toEqual(["execute_result", ["text/plain"], "undefined"]);
    expect(out.alive_after_shutdown).toBe(false);
  }, 300_000);

  it("jupyter-console answers 1 + 1 and a simulate call, in a terminal", () => {
    const r = spawnSync(PYTHON, [join(ROOT, "test/jupyter/console.py")], { encoding: "utf8", env, timeout: 200_000 });
    expect(r.status, r.stderr + r.stdout).toBe(0);
    expect(JSON.parse(r.stdout.trim().split("\n").pop()!)).toEqual({ sum: "2", simulate: "5000" });
  }, 240_000);

  it("installs under a prefix, uninstalls, and refuses what names no place or kernel", () => {
    const prefix = join(data, "prefix");
    expect(spawnCli("kernel", "install", "--prefix", prefix, "--name", "nvmesim-test").code).toBe(0);
    const dir = join(prefix, "share/jupyter/kernels/nvmesim-test");
    expect(existsSync(join(dir, "kernel.json"))).toBe(true);
    expect(spawnCli("kernel", "uninstall", "--prefix", prefix, "--name", "nvmesim-test").code).toBe(0);
    expect(existsSync(dir)).toBe(false);
    const again = spawnCli("kernel", "uninstall", "--prefix", prefix, "--name", "nvmesim-test");
    expect([again.code, again.stderr]).toEqual([2, expect.stringMatching(/no kernelspec nvmesim-test in /)]);
    expect(spawnCli("kernel", "install", "--user", "--prefix", prefix).stderr).toMatch(
      /--user and --prefix name two places/,
    );
    expect(spawnCli("kernel", "install", "--name", "a b").stderr).toMatch(/invalid --name 'a b'/);
  });

  it("refuses a connection file it cannot use, in one line", () => {
    const missing = spawnCli("kernel", "--connection-file", join(data, "none.json"));
    expect(missing.code).toBe(2);
    expect(spawnCli("kernel").stderr).toMatch(/--connection-file FILE is required/);
    expect(existsSync(join(data, "none.json"))).toBe(false);
  });
});
