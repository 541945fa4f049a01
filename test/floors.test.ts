// Goal: the source reads top-down. No runtime import cycle among files, and nothing imports a file on a
// higher floor: in src/, DESIGN's data flow (wasm, model, run, then sweeps and reports, then the notebook,
// its server and the command line); in assembly/, the simulator's floors (the runtime, the NVMe spec, the
// host and device machinery, the machine, an I/O's life on each side, kblockd, the workloads, the engine).
// Type-only imports are left out: they vanish when compiled.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../src/wasm/build";

/** Every source file under `dir` with the files it imports at run time. */
function importGraph(dir: string): Map<string, string[]> {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(ts|js)$/.test(n) && !n.endsWith(".d.ts")) files.push(p);
    }
  };
  walk(dir);
  const graph = new Map<string, string[]>();
  for (const f of files) {
    const deps: string[] = [];
    for (const m of readFileSync(f, "utf8").matchAll(/^(?:import|export)\s+(?!type\b)([^;]*?)from\s+"(\.[^"]+)"/gms)) {
      const names = m[1].trim();
      const typeOnly =
        /^\{[^}]*\}$/.test(names) &&
        names
          .slice(1, -1)
          .split(",")
          .every((s) => !s.trim() || s.trim().startsWith("type "));
      if (typeOnly) continue;
      let target = resolve(dirname(f), m[2]);
      for (const c of [target, `${target}.ts`, `${target}.js`]) {
        try {
          if (statSync(c).isFile()) {
            target = c;
            break;
          }
        } catch {
          // not this spelling
        }
      }
      deps.push(relative(ROOT, target));
    }
    graph.set(relative(ROOT, f), deps);
  }
  return graph;
}

function cycles(graph: Map<string, string[]>): string[] {
  const state = new Map<string, 1 | 2>();
  const found: string[] = [];
  const visit = (n: string, stack: string[]) => {
    state.set(n, 1);
    stack.push(n);
    for (const d of graph.get(n) ?? []) {
      if (state.get(d) === 1) found.push([...stack.slice(stack.indexOf(d)), d].join(" -> "));
      else if (!state.has(d)) visit(d, stack);
    }
    stack.pop();
    state.set(n, 2);
  };
  for (const n of graph.keys()) if (!state.has(n)) visit(n, []);
  return found;
}

/** Imports from a floor to a higher one; `floorOf` names a file's floor by its path. */
function upward(graph: Map<string, string[]>, floors: string[], floorOf: (file: string) => string): string[] {
  const level = (f: string) => floors.indexOf(floorOf(f));
  const found: string[] = [];
  for (const [f, deps] of graph)
    for (const d of deps) if (level(f) >= 0 && level(d) > level(f)) found.push(`${f} -> ${d}`);
  return found;
}

describe("src/", () => {
  const graph = importGraph(join(ROOT, "src"));
  const floors = ["wasm", "model", "fio", "run", "measure", "sweep", "report", "notebook", "server", "cli", "package"];

  it("has no import cycle", () => {
    expect(cycles(graph)).toEqual([]);
  });

  it("imports only downward: " + floors.join(" < "), () => {
    expect(floors.every((f) => [...graph.keys()].some((k) => k.startsWith(`src/${f}/`)))).toBe(true);
    expect(upward(graph, floors, (f) => f.split("/")[1])).toEqual([]);
  });
});

describe("assembly/", () => {
  const graph = importGraph(join(ROOT, "assembly"));
  const floors = ["runtime", "nvme", "drivers", "sim-base", "machine", "io", "kblockd", "workloads", "engine", "index"];
  const floorOf = (f: string): string => {
    const p = f.replace(/^assembly\//, "");
    if (p === "index.ts" || p === "layouts.ts") return "index";
    const top = p.split("/")[0];
    if (top === "runtime" || top === "nvme") return top;
    if (top === "host" || top === "device") return "drivers";
    if (p.startsWith("sim/workloads/")) return "workloads";
    const file = p.replace(/^sim\//, "").replace(/\.ts$/, "");
    const SIM: Record<string, string> = {
      config: "sim-base",
      stats: "sim-base",
      "job-stats": "sim-base",
      machine: "machine",
      "host-io": "io",
      device: "io",
      kernel: "io",
      kblockd: "kblockd",
      engine: "engine",
    };
    return SIM[file] ?? "unknown";
  };

  it("has no import cycle", () => {
    expect(cycles(graph)).toEqual([]);
  });

  it("imports only downward: " + floors.join(" < "), () => {
    expect([...graph.keys()].filter((f) => floorOf(f) === "unknown")).toEqual([]);
    expect(upward(graph, floors, floorOf)).toEqual([]);
  });
});
