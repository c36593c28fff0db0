/**
 * What the network-size sweep (./sweep.ts) leaves on disk, and what its analysis (./analysis.ts) reads:
 * the profiles, file names, the configuration record and the command that makes them.
 *
 * Output (docs/ARCHITECTURE.md, "Contracts"), in results/net-size/<machine> (the quick profile in quick/
 * beneath, so it never replaces the full run):
 *   progress_<L>x<N>_tanh.csv        tanh/scalar  } the original study's file names for the study's two runs
 *   progress_<L>x<N>_isru.csv        isru/scalar  }
 *   progress_<L>x<N>_<slug>.csv      every other variant, <slug> = variantSlug: tanh-simd, isru-simd,
 *                                    all-isru-scalar, all-isru-simd
 *   config_<L>x<N>.json              the configuration's measurement: 1-minute load average before and
 *                                    after, wall and process CPU seconds, iterations, the variants run and
 *                                    those skipped (with the reason), the machine
 * Progress files have the progress columns (src/lstm/progress-file.ts); func + gate + impl name the
 * variant, so no variant column is needed.
 */
import type { describeMachine } from '../../io/machine';
import { machineSlug } from '../../io/machine';
import { sweepFolder } from '../../io/results-root';
import { command } from '../../command-name';
import { NET_SIZE_LAYERS, NET_SIZE_NEURONS } from './grid';
import { parseVariantId, Variant, variantSlug } from '../variants';
import { sizeLabel } from '../verdict/results';

export interface NetSizeConfig {
  layers: number;
  neurons: number;
}

export interface NetSizeProfile {
  configs: NetSizeConfig[];
  iterations: number;
  progressEvery: number;
}

export { NET_SIZE_LAYERS, NET_SIZE_NEURONS };

/** The same seed for every variant of a configuration (and for every configuration). */
export const NET_SIZE_SEED = 1;

const grid = (layers: readonly number[], neurons: readonly number[]): NetSizeConfig[] => layers.flatMap((l) => neurons.map((n) => ({ layers: l, neurons: n })));

export function netSizeProfile(quick: boolean): NetSizeProfile {
  return quick
    ? { configs: grid([1, 2], [16, 64, 128]), iterations: 200, progressEvery: 20 }
    : { configs: grid(NET_SIZE_LAYERS, NET_SIZE_NEURONS), iterations: 400, progressEvery: 20 };
}

/** progress_<L>x<N>_<func>.csv: the original study's file-name pattern. */
export const netSizeFileName = (c: NetSizeConfig, func: string): string => `progress_${sizeLabel(c)}_${func}.csv`;

/** The study's two runs keep the study's names; the other variants are named by their slug. */
const STUDY_FILE_PARTS: Readonly<Record<string, string>> = { 'tanh/scalar': 'tanh', 'isru/scalar': 'isru' };

/** The <func> part of a variant's progress file name: 'tanh', 'isru', 'tanh-simd', 'all-isru-scalar', … */
export const variantFilePart = (v: Pick<Variant, 'id'>): string => STUDY_FILE_PARTS[v.id] ?? variantSlug(v);

/** The progress file of one variant of one configuration. */
export const netSizeVariantFile = (c: NetSizeConfig, v: Pick<Variant, 'id'>): string => netSizeFileName(c, variantFilePart(v));

/** The variant a file-name part names (the inverse of variantFilePart), or undefined. */
export function variantOfFilePart(part: string): Variant | undefined {
  const study = Object.entries(STUDY_FILE_PARTS).find(([, p]) => p === part);
  if (study) return parseVariantId(study[0]);
  const cut = part.lastIndexOf('-');
  const v = cut > 0 ? parseVariantId(`${part.slice(0, cut)}/${part.slice(cut + 1)}`) : undefined;
  return v && variantFilePart(v) === part ? v : undefined;
}

/** config_<L>x<N>.json: the configuration's load, times and variants. */
export const netSizeConfigFile = (c: NetSizeConfig): string => `config_${sizeLabel(c)}.json`;

/** What config_<L>x<N>.json holds. */
export interface NetSizeConfigRecord {
  kind: 'net-size';
  config: string;
  layers: number;
  neurons: number;
  iterations: number;
  progress_every: number;
  seed: number;
  /** 1-minute load average before the first and after the last iteration of the configuration */
  load_before: number;
  load_after: number;
  /** wall and process CPU seconds of the whole configuration (all variants, interleaved) */
  wall_seconds: number;
  cpu_seconds: number;
  /** variant ids trained, in the order they took turns, with their progress file names */
  variants: { variant: string; csv: string }[];
  skipped: { variant: string; reason: string }[];
  machine: ReturnType<typeof describeMachine>;
  finished: string;
  /** the settings that made it (../../sweep/sweep.ts SweepJob.settings); absent in older files */
  settings?: Record<string, string | number>;
}

/** Where the sweep writes: the full profile in results/net-size/<machine>, the quick one in quick/ beneath. */
export function netSizeDir(quick: boolean, machine = machineSlug()): string {
  return sweepFolder('net-size', quick, machine);
}

/** The command that produces the results (notebook 04 prints it when they are missing). */
export const NET_SIZE_COMMAND = command('sweep', 'net-size');
