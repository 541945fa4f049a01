// nvmesim sweep --emit: the files a cluster runs a sharded sweep from,
// written into the sweep directory beside its spec and plan, so nobody edits
// a script by hand. Slurm: an array script, a merge job that runs after the
// array whatever its outcome (afterany), and a submit script for both;
// Kubernetes: an Indexed Job and a merge Job; AWS Batch: an array job and a
// merge job. Each runs nvmesim through the node and bin.js that wrote it
// (the installed package or the checkout), never npx.
import { chmodSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { ROOT } from "../wasm/build";
import { SweepError } from "./errors";
import { writeAtomic } from "./outputs";
import { arrayText, type SweepPlan } from "./plan";
import type { SweepSpec } from "./spec";

export const EMIT_KINDS = ["slurm", "k8s", "aws-batch"] as const;
export type EmitKind = (typeof EMIT_KINDS)[number];

export interface EmitOptions {
  kind: EmitKind;
  /** The sweep directory (absolute in the files: every task sees it at the same path). */
  dir: string;
  spec: SweepSpec;
  plan: SweepPlan;
  /** Worker threads per task (Slurm's --cpus-per-task, the pod's CPU request, the job's vCPUs). */
  threads: number;
  partition?: string;
  time?: string;
  image?: string;
  claim?: string;
  jobQueue?: string;
  jobDefinition?: string;
}

/** A word for a POSIX shell: single-quoted unless plain. */
export function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The command that runs this nvmesim: this node and this bin.js. */
export function nvmesimCommand(): string[] {
  return [process.execPath, join(ROOT, "src", "cli", "bin.js")];
}

/** A job name from the sweep's name: letters, digits and dashes (what Kubernetes accepts for a name). */
export function jobName(sweepName: string): string {
  const base =
    sweepName
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, "-")
      .replace(/^-+|-+$/g, "") || "sweep";
  return `nvmesim-${base}`.slice(0, 52).replace(/-+$/, "");
}

function write(file: string, text: string, executable = false): void {
  writeAtomic(file, text);
  if (executable) chmodSync(file, 0o755);
}

/** What makes these options unusable in the cluster's files, in one line; undefined when they are fine. */
export function emitProblem(
  o: Pick<EmitOptions, "dir" | "partition" | "time" | "image" | "claim" | "jobQueue" | "jobDefinition">,
): string | undefined {
  if (/[\s%'"\\]/.test(resolve(o.dir)))
    return `--out ${JSON.stringify(o.dir)}: the scripts name it in #SBATCH lines and YAML, which take no spaces, %, quotes or backslashes; use a plainer path`;
  const words: [string, string | undefined][] = [
    ["--partition", o.partition],
    ["--time", o.time],
    ["--image", o.image],
    ["--claim", o.claim],
    ["--job-queue", o.jobQueue],
    ["--job-definition", o.jobDefinition],
  ];
  for (const [flag, value] of words)
    if (value !== undefined && !/^[\w.,:/@+-]+$/.test(value))
      return `invalid ${flag} ${JSON.stringify(value)}: one word of letters, digits and . , : / @ + - _`;
  return undefined;
}

/** Writes the files; returns their paths, the first the one to run. */
export function emitCluster(o: EmitOptions): string[] {
  const problem = emitProblem(o);
  if (problem) throw new SweepError(problem);
  const dir = resolve(o.dir);
  const out = join(dir, o.kind);
  mkdirSync(out, { recursive: true });
  mkdirSync(join(dir, "logs"), { recursive: true });
  const files = { slurm: emitSlurm, k8s: emitK8s, "aws-batch": emitAwsBatch }[o.kind](o, dir, out);
  for (const [name, text, executable] of files) write(join(out, name), text, executable);
  return files.map(([name]) => join(out, name));
}

type File = [name: string, text: string, executable: boolean];

function header(o: EmitOptions, dir: string, what: string): string {
  return `# nvmesim sweep ${JSON.stringify(o.spec.name)}: ${o.plan.points} points in ${o.plan.shards} shards (plan.json), ${what}.
# Written by nvmesim sweep --emit ${o.kind}; nvmesim sweep status ${dir} says what is done and what to rerun.
`;
}

function emitSlurm(o: EmitOptions, dir: string, out: string): File[] {
  const name = jobName(o.spec.name);
  const [node, bin] = nvmesimCommand().map(shellWord);
  const spec = shellWord(join(dir, "spec.json"));
  const d = shellWord(dir);
  const common = [
    ...(o.partition ? [`#SBATCH --partition=${o.partition}`] : []),
    ...(o.time ? [`#SBATCH --time=${o.time}`] : []),
  ];
  const nvmesim = `nvmesim() { ${node} ${bin} "$@"; }`;
  const sweep = `#!/bin/bash
${header(o, dir, "one shard per array task")}# Each task finds its shard by SLURM_ARRAY_TASK_ID in plan.json, so the array may be resubmitted
# whole or in part (submit.sh --array=3,5); a finished shard exits at once, a cut-off one resumes.
#SBATCH --job-name=${name}
#SBATCH --array=${arrayText(o.plan.arrayIds)}
#SBATCH --cpus-per-task=${o.threads}
#SBATCH --output=${dir}/logs/sweep-%A_%a.out
${common.join("\n")}${common.length ? "\n" : ""}set -euo pipefail
${nvmesim}
nvmesim sweep ${spec} --out ${d} --threads "\${SLURM_CPUS_PER_TASK:-${o.threads}}"
`;
  const merge = `#!/bin/bash
${header(o, dir, "merged once the array has ended")}# Submitted by submit.sh with --dependency=afterany on the array: it runs whatever the tasks' outcome,
# merges when every shard is done, and otherwise prints which are not and how to rerun them.
#SBATCH --job-name=${name}-merge
#SBATCH --cpus-per-task=1
#SBATCH --output=${dir}/logs/merge-%j.out
${common.join("\n")}${common.length ? "\n" : ""}set -uo pipefail
${nvmesim}
nvmesim sweep status ${d} || exit 1
nvmesim merge ${d} --out ${d}
`;
  const submit = `#!/bin/bash
${header(o, dir, "submitted by this script")}# Usage: submit.sh [--array=IDS]: the array (or only the tasks IDS, as nvmesim sweep status names
# them), then the merge job after it, whatever the tasks' outcome (afterany).
set -euo pipefail
here=${shellWord(out)}
array=$(sbatch --parsable "$@" "$here/sweep.sbatch")
array=\${array%%;*}
merge=$(sbatch --parsable --dependency=afterany:"$array" "$here/merge.sbatch")
echo "nvmesim: array job \${array}, merge job \${merge%%;*}; logs in ${dir}/logs"
`;
  return [
    ["submit.sh", submit, true],
    ["sweep.sbatch", sweep, false],
    ["merge.sbatch", merge, false],
  ];
}

function emitK8s(o: EmitOptions, dir: string): File[] {
  const name = jobName(o.spec.name);
  const image = o.image ?? "nvmesim:latest";
  const claim = o.claim ?? "nvmesim-results";
  const volume = `      volumes:
        - name: results
          persistentVolumeClaim:
            claimName: ${claim} # a ReadWriteMany claim every pod shares, mounted at the sweep directory
`;
  const mount = `          volumeMounts:
            - name: results
              mountPath: ${dir}
`;
  const sweep = `${header(o, dir, "one shard per pod of an Indexed Job")}# Pod I runs shard I (JOB_COMPLETION_INDEX; the count is plan.json's, or NVMESIM_SHARD_COUNT). The
# sweep directory, with spec.json and plan.json, is the claim ${claim}: copy it there first.
#   kubectl apply -f ${dir}/k8s/sweep-job.yaml
#   kubectl wait --for=condition=complete --timeout=-1s job/${name} || true   # or condition=failed
#   kubectl apply -f ${dir}/k8s/merge-job.yaml
apiVersion: batch/v1
kind: Job
metadata:
  name: ${name}
spec:
  completionMode: Indexed
  completions: ${o.plan.shards}
  parallelism: ${o.plan.shards}
  backoffLimit: ${4 * o.plan.shards}
  template:
    spec:
      restartPolicy: OnFailure
      containers:
        - name: sweep
          image: ${image}
          args: ["sweep", "${dir}/spec.json", "--out", "${dir}", "--threads", "${o.threads}"]
          env:
            - name: NVMESIM_SHARD_COUNT
              value: "${o.plan.shards}"
          resources:
            requests: { cpu: "${o.threads}", memory: "1Gi" }
            limits: { memory: "2Gi" }
${mount}${volume}`;
  const merge = `${header(o, dir, "merged by this Job")}# Apply once the sweep Job has ended, completed or failed: it merges when every shard is done, and
# otherwise its log says which are not and how to rerun them.
apiVersion: batch/v1
kind: Job
metadata:
  name: ${name}-merge
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: merge
          image: ${image}
          command: ["sh", "-c"]
          args: ["node src/cli/bin.js sweep status ${dir} && node src/cli/bin.js merge ${dir} --out ${dir}"]
${mount}${volume}`;
  return [
    ["sweep-job.yaml", sweep, false],
    ["merge-job.yaml", merge, false],
  ];
}

function emitAwsBatch(o: EmitOptions, dir: string): File[] {
  if (o.plan.shards < 2) throw new SweepError("--emit aws-batch: an AWS Batch array job has 2 to 10,000 tasks");
  if (o.plan.shards > 10_000)
    throw new SweepError(`--emit aws-batch: ${o.plan.shards} tasks, but an AWS Batch array job has at most 10,000`);
  const name = jobName(o.spec.name);
  const job = (suffix: string, command: string[], extra: object) =>
    JSON.stringify(
      {
        jobName: name + suffix,
        jobQueue: o.jobQueue ?? "nvmesim",
        jobDefinition: o.jobDefinition ?? "nvmesim",
        ...extra,
        containerOverrides: {
          command,
          resourceRequirements: [{ type: "VCPU", value: String(suffix ? 1 : o.threads) }],
          environment: suffix ? [] : [{ name: "NVMESIM_SHARD_COUNT", value: String(o.plan.shards) }],
        },
      },
      null,
      2,
    ) + "\n";
  const sweep = job("", ["sweep", `${dir}/spec.json`, "--out", dir, "--threads", String(o.threads)], {
    arrayProperties: { size: o.plan.shards },
    retryStrategy: { attempts: 3 },
  });
  const merge = job(
    "-merge",
    ["sh", "-c", `node src/cli/bin.js sweep status ${dir} && node src/cli/bin.js merge ${dir} --out ${dir}`],
    {},
  );
  const submit = `#!/bin/bash
${header(o, dir, "submitted by this script")}# The job definition (--job-definition, here ${o.jobDefinition ?? "nvmesim"}) runs the image of
# examples/cluster/Dockerfile with the sweep directory's file system (EFS) mounted at ${dir}.
# AWS Batch runs a dependent job only when every task succeeded (a failed dependency fails it), so the
# merge job waits for a successful array; after a failure, nvmesim sweep status says what to rerun.
set -euo pipefail
here=${shellWord(join(dir, "aws-batch"))}
array=$(aws batch submit-job --cli-input-json "file://$here/sweep-job.json" --query jobId --output text)
merge=$(aws batch submit-job --cli-input-json "file://$here/merge-job.json" --depends-on "jobId=$array" --query jobId --output text)
echo "nvmesim: array job \${array}, merge job \${merge}"
`;
  return [
    ["submit.sh", submit, true],
    ["sweep-job.json", sweep, false],
    ["merge-job.json", merge, false],
  ];
}
