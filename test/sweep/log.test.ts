// Goal: the record log finds every whole record, and a record cut short by a crash is found and cut off.
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LogWriter, recordLine, scanLog } from "../../src/sweep/log";

const dir = mkdtempSync(join(tmpdir(), "nvmesim-log-"));

describe("record log", () => {
  it("indexes whole records and cuts off a torn tail before appending", () => {
    const file = join(dir, "a.jsonl");
    const w = new LogWriter(file, 0);
    w.append({ point: 3, values: { iodepth: 1 }, seed: "7" }, { resultJson: '{"x":1}' });
    w.append({ point: 0, values: { iodepth: 2 }, seed: "8" }, { error: "bad" });
    w.close();
    const whole = readFileSync(file, "utf8");
    appendFileSync(file, '{"point":5,"values":{"iodepth":4},"seed":"9","resu'); // killed mid-write
    const scan = scanLog(file);
    expect([...scan.records.keys()]).toEqual([3, 0]);
    expect(scan.torn).toBe(true);
    expect(scan.goodBytes).toBe(Buffer.byteLength(whole));
    new LogWriter(file, scan.goodBytes).close();
    expect(readFileSync(file, "utf8")).toBe(whole);
    expect(JSON.parse(whole.split("\n")[1])).toEqual({ point: 0, values: { iodepth: 2 }, seed: "8", error: "bad" });
  });

  it("reads records across its read buffer's edges", () => {
    const file = join(dir, "b.jsonl");
    const big = "x".repeat(700_000);
    const lines = [0, 1, 2, 3].map((p) =>
      recordLine({ point: p, values: {}, seed: "1" }, { resultJson: JSON.stringify({ big }) }),
    );
    writeFileSync(file, lines.join("\n") + "\n");
    const scan = scanLog(file);
    expect(scan.torn).toBe(false);
    expect([...scan.records.values()].map((s) => s.length)).toEqual(lines.map((l) => l.length));
    expect(scan.records.get(2)!.offset).toBe(lines[0].length + lines[1].length + 2);
  });
});
