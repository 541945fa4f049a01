// Goal: completion and Shift+Tab know the API where a cell uses it: names in scope, the configuration's
// keys inside simulate() and sweep's base (described by the schema itself), sweep's keys and axes, the
// allowed names of a field, Plot's columns, and the members of a result.
import { describe, expect, it } from "vitest";
import { CONFIG_FIELDS } from "../../src/model/config-schema";
import { codeContext } from "../../src/notebook/page/code-context";
import { callAt, docAt, optionsFor } from "../../src/notebook/kernel/api-completion";

/** The context and completion labels where `|` stands in `code`. */
function at(code: string, notebook?: string) {
  const pos = code.indexOf("|");
  const text = code.replace("|", "");
  const c = codeContext(text, pos, notebook ?? text);
  return { c, labels: optionsFor(c).map((o) => o.label) };
}

describe("completion in a cell", () => {
  it("offers the API's names, with their signatures", () => {
    const { c, labels } = at("const r = await sim|");
    expect(c).toMatchObject({ kind: "name", word: "sim" });
    expect(labels).toEqual(expect.arrayContaining(["simulate", "sweep", "presets", "help", "Plot"]));
  });

  it("offers the configuration's keys inside simulate({ ... }), level by level", () => {
    expect(at("simulate({ |").labels).toEqual([
      "seed",
      "path",
      "cpus",
      "qDepth",
      "switches",
      "host",
      "queue",
      "whatIf",
      "device",
      "workload",
    ]);
    expect(at("simulate({ cpus: 2, workload: { iod| } })").c).toMatchObject({
      kind: "config-key",
      prefix: "workload",
      word: "iod",
    });
    expect(at("simulate({ cpus: 2, workload: { iod| } })").labels).toContain("iodepth");
    expect(at("await simulate({ device: { errors: { | } } })").labels).toEqual([
      "unrecoveredReadPpm",
      "writeFaultPpm",
      "prpErrorPpm",
    ]);
    const option = optionsFor(at("simulate({ workload: { |").c).find((o) => o.label === "bs")!;
    expect(option.info).toBe(CONFIG_FIELDS.find((f) => f.path === "workload.bs")!.doc); // the schema's own words
  });

  it("knows sweep's keys, its axes and its base", () => {
    expect(at("sweep({ |").labels).toEqual(["base", "axes", "name"]);
    expect(at("sweep({ base: { workload: { number_ios: 1 }, |").labels).toContain("switches");
    const axes = at('sweep({ base: {}, axes: { path: ["blk-mq"], | } })').labels;
    expect(axes).toEqual(expect.arrayContaining(["iodepth", "bs", "preset", "batchDoorbell", "path"]));
  });

  it("completes the names a field allows, inside its string", () => {
    expect(at('simulate({ path: "|" })').labels).toEqual(["blk-mq", "rw_page"]);
    expect(at('simulate({ device: { preset: "p4|" } })').labels).toContain("p4800x");
    expect(at('sweep({ axes: { path: ["blk-mq", "|"] } })').labels).toEqual(["blk-mq", "rw_page"]);
    expect(at('sweep({ base: { workload: { rw: "|" } } })').labels).toContain("randread");
  });

  it("offers a sweep's columns to Plot, and a result's members after a dot", () => {
    expect(at('Plot.line(r.records(), { x: "iodepth", y: "|" })').labels).toEqual(
      expect.arrayContaining(["total_iops", "cpu_ns_per_io", "iodepth"]),
    );
    const notebook = "const run = await simulate({});\nconst sw = await sweep({ axes: { iodepth: [1, 2] } });";
    expect(at("run.|", notebook).labels).toContain("nvmesim");
    expect(at("run.nvmesim.cpu|", notebook).labels).toContain("cpuNsPerIo");
    expect(at("sw.|", notebook).labels).toContain("records");
  });

  it("does not complete inside comments", () => {
    expect(at("// simulate({ |").c).toMatchObject({ kind: "name" });
  });
});

describe("Shift+Tab", () => {
  it("says what a name, a key or an allowed name is", () => {
    expect(docAt("await simulate({})", 8)).toMatch(
      /^simulate\(config\?: RunConfig, options\?: \{ program\?: "fio" \| "t\/io_uring" \}\): Promise<Result>\n/,
    );
    expect(docAt("simulate({ workload: { iodepth: 4 } })", 25)).toBe(
      "iodepth integer 1..65535\nI/Os each job keeps in flight",
    );
    expect(docAt('simulate({ device: { preset: "p4800x" } })', 31)).toMatch(/Optane/);
    expect(docAt("const x = 1", 6)).toBeUndefined();
  });

  it("inside a call's parentheses, with nothing named at the cursor, shows that call, as Jupyter does", () => {
    const sig = /^simulate\(config\?: RunConfig/;
    expect(docAt("simulate()", 9)).toMatch(sig);
    expect(docAt("await simulate({ cpus: 2, ", 26)).toMatch(sig); // past the braces of its argument
    expect(docAt('simulate({ workload: { rw: "a(b" }, ', 36)).toMatch(sig); // a quoted parenthesis is text
    expect(docAt("sweep({ axes: { path: [f(1), 2], ", 33)).toMatch(/^sweep\(/); // f's call is closed
    expect(callAt("Plot.plot({ marks: [", 20)).toBe("Plot.plot");
    expect(docAt("const x = (1 + ", 15)).toBeUndefined(); // a bracket that is no call
  });
});
