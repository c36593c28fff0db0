#!/usr/bin/env bash
# Idempotent set-up shared by `npm start`, `npm test` and `npm run lab`.
# Each step checks first and does nothing when its part is already in place, so a second run takes seconds.
#   1. npm packages (npm ci when package-lock.json changed since the last install)
#   2. the build, as `npm run build`: tsc (incremental) and the WebAssembly kernels (skipped when unchanged)
#   3. the project-local Python venv with the pinned Jupyter stack (requirements.txt)
#   4. the tslab kernelspec inside .venv, running this repo's own node_modules/.bin/tslab
#   5. Debian's chromium for PNG export and browser tests, when missing and apt is usable
#   6. Debian's Slurm (slurmctld, slurmd, slurm-client), munge and shellcheck for the scale-out tests, when missing and apt is usable
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

say() { printf '[bootstrap] %s\n' "$*" >&2; }

with_peers=0
for arg in "$@"; do
  case "$arg" in
    --peers) with_peers=1 ;;
    *) say "unknown option $arg (known: --peers)"; exit 2 ;;
  esac
done

# pip prints one warning per package for index locations configured on this machine that do not
# exist; they are noise, so they are dropped (pip's exit status is kept by pipefail).
pip_install() {
  .venv/bin/pip install --quiet --disable-pip-version-check -r "$1" 2>&1 \
    | { grep -v "is ignored: it is neither a file nor a directory" || true; } >&2
}

# --- 1. npm packages -------------------------------------------------------------------------
# The hash of the lock file we last installed from is kept inside node_modules; a different lock file
# (or no node_modules) means the tree is stale.
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.lock.sha256 2>/dev/null)" != "$lock_hash" ]; then
  say "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > node_modules/.lock.sha256
fi

# --- 2. Build: `npm run build` itself (TypeScript, a type check of the web page, the AssemblyScript kernels),
#        so the build is defined in one place
npm run --silent build

# --- 3. Python venv with the Jupyter stack --------------------------------------------------
req_hash=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ ! -x .venv/bin/python ] || [ "$(cat .venv/.requirements.sha256 2>/dev/null)" != "$req_hash" ]; then
  say "creating .venv and installing requirements.txt"
  python3 -m venv .venv
  pip_install requirements.txt
  echo "$req_hash" > .venv/.requirements.sha256
fi

# --- 3b. PyTorch for the peer benchmark (only with --peers, i.e. `npm run bench`) ------------
# Optional: without it the benchmark skips the PyTorch peer with a printed reason.
if [ "$with_peers" = 1 ]; then
  peers_hash=$(sha256sum requirements-peers.txt | cut -d' ' -f1)
  if [ "$(cat .venv/.requirements-peers.sha256 2>/dev/null)" != "$peers_hash" ]; then
    say "installing the benchmark peers into .venv (requirements-peers.txt)"
    if pip_install requirements-peers.txt; then
      echo "$peers_hash" > .venv/.requirements-peers.sha256
    else
      say "warning: could not install requirements-peers.txt; the PyTorch peer will be skipped"
    fi
  fi
fi

# --- 4. tslab kernelspec ----------------------------------------------------------------------
# Written by hand instead of `tslab install`, which needs a Python with IPython on PATH.
kernel_dir=.venv/share/jupyter/kernels/tslab
kernel_json=$(cat <<EOF
{
  "argv": ["$root/node_modules/.bin/tslab", "kernel", "--config-path", "{connection_file}"],
  "display_name": "TypeScript",
  "language": "typescript"
}
EOF
)
if [ "$(cat "$kernel_dir/kernel.json" 2>/dev/null)" != "$kernel_json" ]; then
  say "registering the tslab kernel in $kernel_dir"
  mkdir -p "$kernel_dir"
  printf '%s\n' "$kernel_json" > "$kernel_dir/kernel.json"
fi

# --- 5. Chromium ------------------------------------------------------------------------------
if [ ! -x /usr/bin/chromium ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    say "installing Debian's chromium (apt-get)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    say "warning: /usr/bin/chromium is missing and cannot be installed here (need root and apt-get)."
    say "         PNG export and the browser test need it: sudo apt-get install chromium"
  fi
fi

# --- 6. Slurm, munge and shellcheck ----------------------------------------------------------------
# test/slurm.test.ts starts a one-node Slurm cluster (munged, slurmctld, slurmd) to run
# scripts/slurm-sweep.sh; test/sweep-workflow.test.ts runs shellcheck on the workflow's shell steps
# and on the scripts. Without them those tests skip and say why.
scale_out_missing=()
for cmd in slurmctld:slurmctld slurmd:slurmd sbatch:slurm-client munged:munge shellcheck:shellcheck; do
  command -v "${cmd%%:*}" >/dev/null 2>&1 || [ -x "/usr/sbin/${cmd%%:*}" ] || scale_out_missing+=("${cmd#*:}")
done
if [ ${#scale_out_missing[@]} -gt 0 ]; then
  mapfile -t scale_out_missing < <(printf '%s\n' "${scale_out_missing[@]}" | sort -u)
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    say "installing Debian's ${scale_out_missing[*]} (apt-get) for the scale-out tests"
    apt-get update -qq
    # without the recommended plugin set (databases, hdf5, ...): the basic plugins are all a test cluster uses
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${scale_out_missing[@]}" >/dev/null
  else
    say "skipping ${scale_out_missing[*]}: installing them needs root and apt-get; the Slurm and workflow tests will skip"
  fi
fi
