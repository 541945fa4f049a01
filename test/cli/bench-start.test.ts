// Goal: bench's cli-start cases time a command to its first byte of output (not to its exit), and a start
// that fails is an error naming the command, never a time.
import { describe, expect, it } from "vitest";
import { firstOutput, runStartTable, startTable } from "../../src/cli/bench-start";

describe("bench cli-start", () => {
  it("times to the first output, not to the exit", async () => {
    // prints at once, then stays 300 ms
    const ms = await firstOutput(["-e", "console.log('up'); setTimeout(() => {}, 300)"], process.env);
    const exit = await firstOutput(["-e", "setTimeout(() => {}, 300)"], process.env); // prints nothing: its exit
    expect(exit).toBeGreaterThanOrEqual(300);
    expect(ms).toBeLessThan(exit);
    // the cli-run cases time the whole command
    expect(
      await firstOutput(["-e", "console.log('up'); setTimeout(() => {}, 300)"], process.env, true),
    ).toBeGreaterThanOrEqual(300);
  });

  it("refuses a start that fails", async () => {
    await expect(firstOutput(["-e", "process.exit(3)"], process.env)).rejects.toThrow(/-e process.exit\(3\) exited 3/);
  });

  it("prints each command with both sides, their ratio, tsx and node's own start", () => {
    const row = {
      case: "cli-start",
      command: "--help",
      checkoutMs: 120,
      packedMs: 100,
      tsxMs: 250,
      nodeMs: 60,
      ratioVsPacked: 1.2,
      starts: 9,
    };
    expect(startTable([row])).toMatch(/median of 9 starts[\s\S]*\n--help {30}\s+120\s+100\s+1\.20x\s+250\s+60\n$/);
  });

  it("prints the big-machine runs by CPU count", () => {
    const table = runStartTable([
      { case: "cli-run", cpus: 1, checkoutMs: 150.4, starts: 3 },
      { case: "cli-run", cpus: 4096, checkoutMs: 812.6, starts: 3 },
    ]);
    expect(table).toMatch(/median of 3\)\n1 CPUs +150\n4096 CPUs +813\n$/);
  });
});
