#!/usr/bin/env bash
# Runs one `lstm-opt sweep` on a Slurm cluster: an array of N tasks, task i running `--shard i/N`, and a
# merge job that starts once every task has succeeded (--dependency=afterok) and merges the shards'
# folders with `lstm-opt sweep merge`. Sweeps resume by file name (verdict-long from its checkpoints), so
# after a failed or cancelled task, run the same command again (or with --tasks i): finished work is
# skipped and the merge job is submitted anew.
#
# The checkout, its build (npm run build) and the work folder must be on a file system that the compute
# nodes share with the submitting machine; tasks run the `node` found on PATH when this script runs.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/slurm-sweep.sh KIND N [options] [-- SWEEP FLAGS...]

Submits `lstm-opt sweep KIND --shard i/N SWEEP FLAGS` as a Slurm array of N tasks (i = 1..N) and a merge
job that runs after all of them succeed. Prints the two job ids.

  KIND                 a sweep kind: verdict, verdict-long, net-size, precision, mt, framework, weather, ...
  N                    number of shards (array tasks)
  SWEEP FLAGS          passed to every shard, e.g. -- --quick --seeds 8 --variants tanh,all-isru

Where things go:
  --work DIR           shards in DIR/shards/<i>/KIND/MACHINE, logs in DIR/logs (default: ./slurm-KIND)
  --results DIR        the merge job's target: results land in DIR/KIND/MACHINE (default: the checkout's results/)
  --machine NAME       the results folder's name (default: slurm); use one name per kind of node
  --repo DIR           the lstm-opt checkout (default: $LSTM_OPT_REPO, else the one holding this script)

Resources of every shard (sbatch flags; Slurm's SBATCH_* environment variables work too):
  --cpus-per-task C    CPUs per shard (default 1: a sweep trains on one core)
  --mem SIZE           memory per shard, e.g. 2G (default: the partition's)
  --time LIMIT         wall-time limit per shard, e.g. 4:00:00 (default: the partition's)
  --partition NAME     partition (queue) for the shards and the merge job
  --account NAME       account to charge, for the shards and the merge job
  --max-parallel K     at most K shards running at once (--array=...%K)
  --sbatch-arg ARG     any other sbatch flag for both submissions (repeatable), e.g. --sbatch-arg=--qos=long

Resubmitting:
  --tasks LIST         submit only these array indices (e.g. 3 or 2,4; default 1-N); the merge job then
                       waits for these and merges every shard folder under --work

  --dry-run            print the two sbatch commands and job scripts instead of submitting
  -h, --help           this text
EOF
}

die() { printf 'slurm-sweep: %s\n' "$*" >&2; exit 2; }

[ "${1:-}" = -h ] || [ "${1:-}" = --help ] && { usage; exit 0; }
[ $# -ge 2 ] || { usage >&2; exit 2; }
kind=$1 shards=$2
shift 2
[[ $kind =~ ^[a-z][a-z0-9-]*$ ]] || die "KIND must be a sweep kind such as verdict, got '$kind'"
[ "$kind" != merge ] || die "KIND merge is the merge job's; name the sweep to run"
[[ $shards =~ ^[1-9][0-9]*$ ]] || die "N must be a positive integer, got '$shards'"

repo=${LSTM_OPT_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
work=slurm-$kind results='' machine=slurm tasks=1-$shards max_parallel='' dry_run=0
shard_flags=() common_flags=() sweep_flags=()
while [ $# -gt 0 ]; do
  opt=$1
  case "$opt" in
    --*=*) set -- "${opt%%=*}" "${opt#*=}" "${@:2}"; continue ;;
  esac
  case "$opt" in
    --) shift; sweep_flags=("$@"); break ;;
    -h|--help) usage; exit 0 ;;
    --dry-run) dry_run=1; shift; continue ;;
  esac
  [ $# -ge 2 ] || die "$opt needs a value"
  case "$opt" in
    --work) work=$2 ;;
    --results) results=$2 ;;
    --machine) machine=$2 ;;
    --repo) repo=$2 ;;
    --cpus-per-task|--mem|--time) shard_flags+=("$opt=$2") ;;
    --partition|--account) common_flags+=("$opt=$2") ;;
    --max-parallel) max_parallel=$2 ;;
    --sbatch-arg) common_flags+=("$2") ;;
    --tasks) tasks=$2 ;;
    *) die "unknown option $opt (see --help)" ;;
  esac
  shift 2
done

[[ $machine =~ ^[A-Za-z0-9._-]+$ ]] || die "--machine must be a plain folder name, got '$machine'"
[[ $tasks =~ ^[0-9,-]+$ ]] || die "--tasks must list array indices such as 3 or 2,4 or 1-8, got '$tasks'"
[ -z "$max_parallel" ] || [[ $max_parallel =~ ^[1-9][0-9]*$ ]] || die "--max-parallel must be a positive integer, got '$max_parallel'"
[[ " ${shard_flags[*]} " == *" --cpus-per-task="* ]] || shard_flags=(--cpus-per-task=1 "${shard_flags[@]}")
cli=$repo/bin/lstm-opt.js
[ -f "$cli" ] || die "no lstm-opt checkout at $repo (give --repo DIR or set LSTM_OPT_REPO)"
[ -f "$repo/dist/src/cli.js" ] || die "$repo is not built: run npm run build there first"
node=$(command -v node) || die "node is not on PATH"
[ "$dry_run" = 1 ] || command -v sbatch >/dev/null || die "sbatch is not on PATH (is this a Slurm login node?)"

# absolute paths: the jobs may start in another folder
work=$(realpath -m -- "$work")
results=$(realpath -m -- "${results:-$repo/results}")

# shell-quotes the arguments, separated by spaces
q() { [ $# -eq 0 ] || { printf '%q' "$1"; shift; [ $# -eq 0 ] || printf ' %q' "$@"; }; }

# $SLURM_ARRAY_TASK_ID stays unexpanded until the task runs; everything else is quoted now
shard_script="#!/bin/bash
set -euo pipefail
i=\$SLURM_ARRAY_TASK_ID
exec $(q "$node" "$cli" sweep "$kind") --shard \"\$i/$shards\" --out $(q "$work/shards")/\"\$i\"/$(q "$kind/$machine") $(q "${sweep_flags[@]}")
"
# the glob is expanded when the merge job runs, so it sees every shard folder there is by then
merge_script="#!/bin/bash
set -euo pipefail
exec $(q "$node" "$cli" sweep merge) --from $(q "$work/shards")/* --out $(q "$results")
"

array_flags=(--job-name="lstm-opt-$kind" --array="$tasks${max_parallel:+%$max_parallel}" --output="$work/logs/%x-%A_%a.out" "${shard_flags[@]}" "${common_flags[@]}")
# a failed or cancelled shard makes the merge job's dependency unsatisfiable: Slurm then cancels it
# instead of leaving it pending for ever
merge_flags=(--job-name="lstm-opt-$kind-merge" --kill-on-invalid-dep=yes --ntasks=1 --cpus-per-task=1 --output="$work/logs/%x-%j.out" "${common_flags[@]}")

if [ "$dry_run" = 1 ]; then
  printf '# shards:\nsbatch %s <<'"'"'EOF'"'"'\n%sEOF\n' "$(q "${array_flags[@]}")" "$shard_script"
  printf '# merge, after every shard succeeded:\nsbatch --dependency=afterok:ARRAY_JOB_ID %s <<'"'"'EOF'"'"'\n%sEOF\n' "$(q "${merge_flags[@]}")" "$merge_script"
  exit 0
fi
mkdir -p "$work/shards" "$work/logs"
array_id=$(sbatch --parsable "${array_flags[@]}" <<<"$shard_script")
array_id=${array_id%%;*}
merge_id=$(sbatch --parsable --dependency="afterok:$array_id" "${merge_flags[@]}" <<<"$merge_script")
merge_id=${merge_id%%;*}

echo "array job $array_id: sweep $kind --shard i/$shards for i in $tasks -> $work/shards (logs in $work/logs)"
echo "merge job $merge_id: after every task succeeds, sweep merge -> $results/$kind/$machine"
