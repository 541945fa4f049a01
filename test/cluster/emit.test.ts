// Goal: nvmesim sweep --emit writes what each cluster's own client accepts, running nvmesim through this
// node and bin.js (never npx) with logs under the sweep directory: Slurm's scripts parse in bash and name the
// plan's array; Kubernetes' Jobs decode in kubectl as Indexed Jobs of the plan's size; AWS Batch's submit.sh,
// run with Debian's aws CLI against a stand-in endpoint, submits the array job and then the merge job on it.
import { execFile, execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../src/wasm/build";

const tmp = mkdtempSync(join(tmpdir(), "nvmesim-emit-"));
const specFile = join(tmp, "spec.json");
writeFileSync(
  specFile,
  JSON.stringify({ name: "Emit Test", base: { workload: { number_ios: 2000 } }, axes: { iodepth: [1, 2, 4, 8, 16] } }),
);
const BIN = join(ROOT, "src/cli/bin.js");
const nvmesim = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });
function emit(kind: string, extra: string[] = []) {
  const dir = join(tmp, kind);
  const r = nvmesim(["sweep", specFile, "--out", dir, "--emit", kind, "--tasks", "3", ...extra]);
  expect(r.status, r.stderr).toBe(0);
  return dir;
}
const kubectl = ["/usr/bin/kubectl", "/usr/local/bin/kubectl"].find(existsSync);
const aws = existsSync("/usr/bin/aws") ? "/usr/bin/aws" : undefined;

describe("nvmesim sweep --emit", () => {
  it("slurm: an array of the plan's ids, a merge job after it whatever its outcome, logs under the directory", () => {
    const dir = emit("slurm", ["--partition", "debug", "--time", "00:30:00", "--threads", "2"]);
    const sbatch = readFileSync(join(dir, "slurm", "sweep.sbatch"), "utf8");
    expect(sbatch).toContain("#SBATCH --array=0-2\n");
    expect(sbatch).toContain(`#SBATCH --output=${dir}/logs/sweep-%A_%a.out\n`);
    expect(sbatch).toMatch(/#SBATCH --partition=debug\n#SBATCH --time=00:30:00\n/);
    expect(sbatch).toContain(`nvmesim() { ${process.execPath} ${BIN} "$@"; }`);
    expect(sbatch).toContain(`nvmesim sweep ${dir}/spec.json --out ${dir} --threads "\${SLURM_CPUS_PER_TASK:-2}"`);
    const submit = readFileSync(join(dir, "slurm", "submit.sh"), "utf8");
    expect(submit).toContain('--dependency=afterany:"$array"');
    expect(readFileSync(join(dir, "slurm", "merge.sbatch"), "utf8")).toMatch(
      /nvmesim sweep status \S+ \|\| exit 1\nnvmesim merge \S+ --out \S+\n$/,
    );
    for (const f of ["submit.sh", "sweep.sbatch", "merge.sbatch"]) {
      expect(readFileSync(join(dir, "slurm", f), "utf8")).not.toMatch(/\bnpx\b/);
      expect(spawnSync("bash", ["-n", join(dir, "slurm", f)]).status).toBe(0);
    }
    expect(JSON.parse(readFileSync(join(dir, "plan.json"), "utf8"))).toMatchObject({ shards: 3, arrayIds: [0, 1, 2] });
    // Emitting again with the same shards is fine; with others the plan refuses.
    expect(nvmesim(["sweep", specFile, "--out", dir, "--emit", "slurm", "--tasks", "3"]).status).toBe(0);
    const again = nvmesim(["sweep", specFile, "--out", dir, "--emit", "slurm", "--tasks", "4"]);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/plan.json exists and it plans 3 shards, not 4/);
  });

  it("refuses what a cluster cannot take, naming the flag", () => {
    const cases: [string[], RegExp][] = [
      [["--emit", "pbs"], /invalid --emit 'pbs': allowed: slurm, k8s, aws-batch/],
      [["--emit", "slurm", "--tasks", "9"], /invalid --tasks '9': must be an integer in 1..5/],
      [["--emit", "k8s", "--array", "0-4:2"], /--array: k8s numbers its tasks 0 to N-1; give --tasks N/],
      [["--plan"], /--plan needs the shards: --shard-count N, or --array IDS/],
      [["--plan", "--shard-count", "1"], /a plan of 1 shard runs nothing sharded/],
      [["--emit", "aws-batch", "--array", "1"], /--array: aws-batch numbers its tasks/],
      [["--partition", "x"], /--partition goes with --plan or --emit/],
    ];
    for (const [args, message] of cases) {
      const r = nvmesim(["sweep", specFile, "--out", join(tmp, "refused"), ...args]);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    const spaced = nvmesim(["sweep", specFile, "--out", join(tmp, "with space"), "--emit", "slurm"]);
    expect(spaced.stderr).toMatch(/take no spaces, %, quotes or backslashes; use a plainer path/);
    expect(existsSync(join(tmp, "with space"))).toBe(false); // refused before anything is written
    const injected = nvmesim([
      "sweep",
      specFile,
      "--out",
      join(tmp, "inj"),
      "--emit",
      "slurm",
      "--partition",
      "a\nrm -rf ~",
    ]);
    expect(injected.stderr).toMatch(/invalid --partition "a\\nrm -rf ~": one word/);
    expect(existsSync(join(tmp, "inj"))).toBe(false);
  });

  it.skipIf(!kubectl)(
    `k8s: kubectl decodes an Indexed Job of 3 and a merge Job${kubectl ? "" : " (skipped: no kubectl)"}`,
    () => {
      const dir = emit("k8s", ["--image", "registry.example/nvmesim:1", "--claim", "sweeps"]);
      const decode = (file: string) =>
        JSON.parse(
          execFileSync(kubectl!, ["set", "env", "--local", "-f", join(dir, "k8s", file), "CHECKED=1", "-o", "json"], {
            encoding: "utf8",
          }),
        );
      // kubectl drops what is not a field of a Job: what comes back is what a cluster would get.
      const job = decode("sweep-job.yaml");
      expect(job).toMatchObject({ kind: "Job", metadata: { name: "nvmesim-emit-test" } });
      expect(job.spec).toMatchObject({ completionMode: "Indexed", completions: 3, parallelism: 3 });
      const pod = job.spec.template.spec;
      expect(pod.containers[0]).toMatchObject({
        image: "registry.example/nvmesim:1",
        args: ["sweep", `${dir}/spec.json`, "--out", dir, "--threads", "2"],
        volumeMounts: [{ name: "results", mountPath: dir }],
      });
      expect(pod.containers[0].env).toContainEqual({ name: "NVMESIM_SHARD_COUNT", value: "3" });
      expect(pod.volumes).toEqual([{ name: "results", persistentVolumeClaim: { claimName: "sweeps" } }]);
      const merge = decode("merge-job.yaml");
      expect(merge.metadata.name).toBe("nvmesim-emit-test-merge");
      expect(merge.spec.template.spec.containers[0].args[0]).toMatch(/sweep status .* && .* merge /);
    },
  );

  it.skipIf(!aws)(
    `aws-batch: Debian's aws CLI submits the array job, then the merge job depending on it${aws ? "" : " (skipped: no /usr/bin/aws)"}`,
    async () => {
      const dir = emit("aws-batch", ["--job-queue", "q1", "--job-definition", "nvmesim:3"]);
      const requests: { path: string; body: Record<string, unknown> }[] = [];
      const server = createServer((req, res) => {
        let body = "";
        req.on("data", (d) => (body += d));
        req.on("end", () => {
          requests.push({ path: req.url ?? "", body: JSON.parse(body) });
          const jobId = `job-${requests.length}`;
          res.setHeader("content-type", "application/json");
          res.end(JSON.stringify({ jobArn: `arn:aws:batch:us-east-1:123456789012:job/${jobId}`, jobName: "n", jobId }));
        });
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      try {
        const port = (server.address() as { port: number }).port;
        // The real aws, pointed at the stand-in endpoint: it validates each request against Batch's API first.
        const shim = join(tmp, "shim");
        mkdirSync(shim, { recursive: true });
        writeFileSync(join(shim, "aws"), `#!/bin/sh\nexec ${aws} --endpoint-url http://127.0.0.1:${port} "$@"\n`);
        chmodSync(join(shim, "aws"), 0o755);
        for (const f of ["config", "credentials"]) writeFileSync(join(shim, f), ""); // none of the machine's
        const env = {
          ...process.env,
          PATH: `${shim}:${process.env.PATH}`,
          AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
          AWS_SECRET_ACCESS_KEY: "example",
          AWS_DEFAULT_REGION: "us-east-1",
          AWS_CONFIG_FILE: join(shim, "config"),
          AWS_SHARED_CREDENTIALS_FILE: join(shim, "credentials"),
        };
        const { stdout } = await promisify(execFile)("bash", [join(dir, "aws-batch", "submit.sh")], { env }).catch(
          (err: { stderr?: string; message: string }) => {
            throw new Error(`${err.message}\n${err.stderr}\nrequests: ${JSON.stringify(requests)}`);
          },
        );
        expect(stdout).toContain("array job job-1, merge job job-2");
        expect(requests.map((r) => r.path)).toEqual(["/v1/submitjob", "/v1/submitjob"]);
        expect(requests[0].body).toMatchObject({
          jobName: "nvmesim-emit-test",
          jobQueue: "q1",
          jobDefinition: "nvmesim:3",
          arrayProperties: { size: 3 },
          containerOverrides: {
            command: ["sweep", `${dir}/spec.json`, "--out", dir, "--threads", "2"],
            environment: [{ name: "NVMESIM_SHARD_COUNT", value: "3" }],
          },
        });
        expect(requests[1].body).toMatchObject({ jobName: "nvmesim-emit-test-merge", dependsOn: [{ jobId: "job-1" }] });
      } finally {
        server.close();
      }
    },
  );
});
