// Goal: a sweep's --fio-json directory reads in fio-plot as fio's own files do. fio-plot is not a Debian
// package; this follows what its source reads (fio_plot/fiolib/jsonimport.py, jsonparsing.py and
// jsonparsing_support.py): files named RW-IODEPTH-NUMJOBS.json whose name starts with the rw asked for,
// jobs[0]["job options"] with iodepth, numjobs, bs and rw (global options merged in), each job's
// read/write bw, iops, iops_stddev, lat_ns mean and stddev, latency_ns/us/ms, usr_cpu and sys_cpu, and
// "fio version"; for randrw the mode comes from the filter, otherwise from rw[4:].
import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../cli/run-cli";

type Json = Record<string, unknown>;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** fio-plot's get_json_mapping over one job record, with the rw mode it would pick; throws as Python would (KeyError). */
function fioPlotRow(file: Json, job: Json, filter: "read" | "write"): Json {
  const get = (o: unknown, key: string): unknown => {
    if (o === null || typeof o !== "object" || !(key in (o as Json))) throw new Error(`KeyError: '${key}'`);
    return (o as Json)[key];
  };
  const options = { ...(get(job, "job options") as Json), ...((file["global options"] as Json | undefined) ?? {}) };
  const rw = String(get(options, "rw"));
  const mode = rw === "randrw" || rw === "rw" || rw === "readwrite" ? filter : rw.startsWith("rand") ? rw.slice(4) : rw;
  const dir = get(job, mode);
  return {
    iodepth: Number.parseInt(String(get(options, "iodepth")), 10),
    numjobs: Number.parseInt(String(get(options, "numjobs")), 10),
    bs: get(options, "bs"),
    rw,
    bw: get(dir, "bw"),
    iops: get(dir, "iops"),
    iops_stddev: get(dir, "iops_stddev"),
    lat: get(get(dir, "lat_ns"), "mean"),
    lat_stddev: get(get(dir, "lat_ns"), "stddev"),
    latency_ms: get(job, "latency_ms"),
    latency_us: get(job, "latency_us"),
    latency_ns: get(job, "latency_ns"),
    cpu_usr: get(job, "usr_cpu"),
    cpu_sys: get(job, "sys_cpu"),
    fio_version: get(file, "fio version"),
  };
}

describe("a sweep's --fio-json in fio-plot", () => {
  it("has every file fio-plot's directory scan and parser read, for both host paths", async () => {
    const out = mkdtempSync(join(tmpdir(), "nvmesim-fioplot-"));
    const sweep = await runCli(
      "sweep",
      "--axis",
      "path=blk-mq,rw_page",
      "--axis",
      "iodepth=1,4",
      "--axis",
      "numjobs=1,2",
      "--set",
      "workload.number_ios=4000",
      "--set",
      "workload.rw=randrw",
      "--set",
      "cpus=2",
      "--out",
      out,
      "--fio-json",
    );
    expect(sweep.code, sweep.stderr).toBe(0);
    const files = filesUnder(join(out, "fio"));
    expect(files).toHaveLength(8);
    for (const path of files) {
      const name = path.split("/").pop()!;
      // jsonimport.filter_json_files: the name's second and third dash-separated parts are ints.
      const [rw, iodepth, numjobs] = name.replace(/\.json$/, "").split("-");
      expect(rw).toBe("randrw");
      const file = JSON.parse(readFileSync(path, "utf8")) as Json;
      const jobs = file.jobs as Json[];
      expect(jobs.length).toBeGreaterThan(0);
      for (const filter of ["read", "write"] as const) {
        const row = fioPlotRow(file, jobs[0], filter);
        expect([row.iodepth, row.numjobs]).toEqual([Number(iodepth), Number(numjobs)]);
        expect(row.bs).toBe("4k");
        expect(row.iops as number).toBeGreaterThan(0);
        expect(row.lat as number).toBeGreaterThan(0);
        expect(Object.keys(row.latency_us as Json)).toEqual([
          "2",
          "4",
          "10",
          "20",
          "50",
          "100",
          "250",
          "500",
          "750",
          "1000",
        ]);
        expect(row.fio_version).toBe("fio-3.33");
      }
    }
    expect(files.some((f) => f.includes("path=rw_page"))).toBe(true);
    expect(files.some((f) => f.includes("path=blk-mq"))).toBe(true);
  });
});
