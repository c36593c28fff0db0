/**
 * The kernel autotuner's memory between runs: one small JSON file in the user's cache folder
 * ($XDG_CACHE_HOME/lstm-opt/kernel-tuning.json, else ~/.cache/lstm-opt/...), never in the project.
 *
 *   { "version": 1, "machines": { "<machine slug>": { "<tuning key>": { "kernels": "<build hash>", "measured": ..., "sets": ... } } } }
 *
 * An entry counts only for the machine slug and the kernel build (the hash npm run build stamps beside
 * the modules) it was measured with: other kernels or another CPU are tuned afresh. The file is read at
 * every lookup and written whole, atomically, so concurrent runs at worst re-tune; a file that cannot be
 * read or parsed is treated as empty, and one that cannot be written costs only the re-tuning next time.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { StoredTuning, TuningStore } from './blocking-choice';
import { kernelWasmPath } from './wasm/binaries';
import { writeFileAtomic } from '../io/atomic';
import { machineSlug } from '../io/machine';

interface Entry extends StoredTuning {
  kernels: string;
}

interface CacheFile {
  version: 1;
  machines: Record<string, Record<string, Entry>>;
}

/** The cache folder of this project: $XDG_CACHE_HOME/lstm-opt, else ~/.cache/lstm-opt. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.trim() !== '' ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'lstm-opt');
}

export function kernelTuningFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(env), 'kernel-tuning.json');
}

/** The hash of the kernel build (scripts/build-kernels.ts writes it beside the modules); '' if there is none. */
function kernelBuildHash(): string {
  const stamp = join(kernelWasmPath('f64'), '..', 'kernels.sha256');
  return existsSync(stamp) ? readFileSync(stamp, 'utf8').trim().slice(0, 16) : '';
}

function readCache(path: string): CacheFile {
  try {
    const data = JSON.parse(readFileSync(path, 'utf8')) as CacheFile;
    if (data && data.version === 1 && typeof data.machines === 'object' && data.machines !== null) return data;
  } catch {
    // missing or unreadable: nothing remembered
  }
  return { version: 1, machines: {} };
}

/** `machine` is looked up at first use: a command that never trains never needs to know which machine this is. */
export function fileTuningStore(path = kernelTuningFile(), machineName?: string): TuningStore {
  const build = kernelBuildHash();
  const machine = (): string => machineName ?? machineSlug();
  return {
    get(key) {
      const e = readCache(path).machines[machine()]?.[key];
      if (!e || e.kernels !== build) return undefined;
      return { measured: e.measured, sets: e.sets };
    },
    set(key, tuning) {
      const data = readCache(path);
      data.machines[machine()] = { ...data.machines[machine()], [key]: { kernels: build, ...tuning } };
      try {
        writeFileAtomic(path, JSON.stringify(data, null, 1) + '\n');
      } catch {
        // a read-only or full cache folder: the next run tunes again
      }
    },
  };
}
