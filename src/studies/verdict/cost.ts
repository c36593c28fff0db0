/**
 * What the verdict's runs cost, from their own records (the README quotes these instead of typed
 * estimates): per size the training milliseconds per iteration of each variant, and the minutes one seed
 * of all variants took, training and validation together, in wall-clock and process CPU time. Pure over
 * already-loaded jobs.
 */
import { variantRank } from '../variants';
import type { VerdictJobResult, VerdictRunResult } from './analysis';
import { median } from '../../stats/stats';

export interface SizeCost {
  source: VerdictJobResult['source'];
  size: string;
  iterations: number;
  /** jobs (seeds) measured */
  seeds: number;
  variants: number;
  /** per variant, the median over seeds of training wall time per iteration, milliseconds */
  msPerIteration: { variant: string; ms: number }[];
  /** median over seeds of one seed's training + validation time of all its variants, minutes */
  wallMinutesPerSeed: number;
  cpuMinutesPerSeed: number;
}

/** Seconds a run spent validating: the per-row evaluations and the end-of-run one. */
const validationSeconds = (r: VerdictRunResult, column: 'val_time' | 'val_cpu'): number => r.rows.reduce((s, x) => s + (Number(x[column]) || 0), 0);

export function verdictCost(jobs: readonly VerdictJobResult[]): SizeCost[] {
  const keys = [...new Set(jobs.map((j) => `${j.source}|${j.size}|${j.iterations}`))];
  return keys.map((k) => {
    const here = jobs.filter((j) => `${j.source}|${j.size}|${j.iterations}` === k);
    const runs = here.flatMap((j) => j.runs);
    const variants = [...new Set(runs.map((r) => r.variant))].sort((a, b) => variantRank(a) - variantRank(b));
    const perSeed = (f: (r: VerdictRunResult) => number): number => median(here.map((j) => j.runs.reduce((s, r) => s + f(r), 0) / 60));
    return {
      source: here[0].source, size: here[0].size, iterations: here[0].iterations, seeds: here.length, variants: variants.length,
      msPerIteration: variants.map((variant) => ({ variant, ms: median(runs.filter((r) => r.variant === variant).map((r) => (1000 * r.train_time) / here[0].iterations)) })),
      wallMinutesPerSeed: perSeed((r) => r.train_time + validationSeconds(r, 'val_time')),
      cpuMinutesPerSeed: perSeed((r) => r.train_cpu + validationSeconds(r, 'val_cpu')),
    };
  });
}

/** "2x128 (20000 iterations): 14.5 min per seed for 6 variants (CPU 14.4), 6.3–7.6 ms per iteration (isru/scalar …)". */
export function costSentence(costs: readonly SizeCost[]): string {
  return costs.map((c) => {
    const ms = c.msPerIteration.map((m) => m.ms);
    const fastest = c.msPerIteration.reduce((a, b) => (b.ms < a.ms ? b : a)), slowest = c.msPerIteration.reduce((a, b) => (b.ms > a.ms ? b : a));
    const time = c.wallMinutesPerSeed >= 90 ? `${(c.wallMinutesPerSeed / 60).toFixed(1)} h` : `${c.wallMinutesPerSeed.toFixed(1)} min`;
    const cpu = c.cpuMinutesPerSeed >= 90 ? `${(c.cpuMinutesPerSeed / 60).toFixed(1)} h` : `${c.cpuMinutesPerSeed.toFixed(1)} min`;
    return `${c.size}${c.source === 'verdict-long' ? ' long run' : ''} (${c.iterations} iterations): ${time} per seed for ${c.variants} variants (CPU ${cpu}; median of ${c.seeds} seed${c.seeds === 1 ? '' : 's'}), ` +
      `${Math.min(...ms).toFixed(1)}–${Math.max(...ms).toFixed(1)} ms of training per iteration (${fastest.variant} to ${slowest.variant})`;
  }).join('; ');
}
