#!/bin/bash
# A sweep sharded over a Slurm job array: task I runs the points with
# index % N == I, N being the array's size (nvmesim reads
# SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_MIN and SLURM_ARRAY_TASK_COUNT), and
# writes part-I-of-N.jsonl into a directory on a shared filesystem.
#
#   jobid=$(sbatch --parsable examples/cluster/slurm-array.sh)
#   sbatch --dependency=afterok:$jobid --wrap \
#     "npx nvmesim merge $HOME/sweeps/iodepth-numjobs --out $HOME/sweeps/iodepth-numjobs"
#
# A failed task is requeued in its array (scontrol requeue JOBID_3): it resumes
# from its partial file and skips the points it already finished. Resubmitted
# alone (sbatch --array=3) it cannot tell its shard, so nvmesim refuses it
# unless told: add --shard-index 3 --shard-count 8 to the sweep command.
#SBATCH --job-name=nvmesim-sweep
#SBATCH --array=0-7
#SBATCH --cpus-per-task=2
#SBATCH --mem=2G
#SBATCH --time=01:00:00
set -euo pipefail
cd "${NVMESIM_DIR:-$HOME/nvmesim}" # a clone with npm ci done
npx nvmesim sweep examples/sweeps/iodepth-numjobs.json \
  --out "$HOME/sweeps/iodepth-numjobs" --threads "${SLURM_CPUS_PER_TASK:-2}"
