/**
 * The verdict's decision rule, written down before the runs it judges (docs/decisions/025-verdict-rule.md):
 * an ISRU variant is a faster drop-in for tanh when, against tanh implemented the same way (scalar with
 * scalar, SIMD with SIMD), its validation loss *at equal training time* is not worse by more than a
 * non-inferiority margin fixed in advance, and it is faster beyond the noise.
 *
 * Equal time, not equal iterations: a user who swaps the activation trains for as long as they can afford,
 * so a faster variant that learns less per iteration is only a drop-in if its extra iterations make up for
 * it. The comparison runs on the validation sample every progress row evaluates (the same characters at
 * every row); the larger end-of-run sample is a different text and is used only for the per-iteration
 * table, where both runs are scored on it at the same iteration.
 *
 * Independent comparisons: the scalar and SIMD runs of one activation compute the same function; where
 * their losses are bit-identical seed by seed they are one loss comparison (losses from one, times from
 * both), and the summary counts them once.
 *
 * Pure over already-loaded runs (src/studies/verdict/analysis.ts reads them).
 */
import { sizeKey } from '../../lstm/size';
import type { ResultRow } from '../../io/results';
import { parseVariantId, variantRank } from '../variants';
import type { VerdictRunResult } from './analysis';
import { phaseSeconds } from '../../stats/compare';
import { Estimate, estimate } from '../../stats/stats';
import { signedRankTest, SignedRankTest } from '../../stats/signed-rank';

/**
 * The non-inferiority margin, nats/char: about what tanh still gains per 1 000 iterations over the last
 * quarter of a 20 000-iteration run at both verdict sizes (0.012 in the committed runs), i.e. a penalty
 * worth about 5% more training. It is 30 times the largest scalar/SIMD rounding gap of tanh in those runs
 * (0.0003), so it is not rounding noise. Fixed here, before the new runs; see the decision record.
 */
export const NON_INFERIORITY_MARGIN = 0.01;

export type Clock = 'wall' | 'cpu';
export const CLOCKS: readonly Clock[] = ['wall', 'cpu'];
const PHASE = { wall: 'total_time', cpu: 'total_cpu' } as const;

// ------------------------------------------------------------------ one run's validation curve

/** A run's validation loss on the per-row sample against cumulative training time (validation excluded). */
export interface ValidationCurve {
  iteration: number[];
  wall: number[];
  cpu: number[];
  loss: number[];
  /** characters of the per-row sample */
  chars: number;
}

/**
 * The progress rows scored on the per-row validation sample: those with the first row's `val_chars`. The
 * end-of-run row scores a larger sample (another text), so joining it to the curve would draw a drop that
 * is only the change of sample.
 */
export function validationCurve(rows: readonly ResultRow[]): ValidationCurve {
  const chars = rows.length ? Number(rows[0].val_chars) : NaN;
  const kept = rows.filter((r) => Number(r.val_chars) === chars && Number.isFinite(Number(r.val_loss)));
  return {
    iteration: kept.map((r) => Number(r.iteration)),
    wall: kept.map((r) => phaseSeconds(r, PHASE.wall)),
    cpu: kept.map((r) => phaseSeconds(r, PHASE.cpu)),
    loss: kept.map((r) => Number(r.val_loss)),
    chars,
  };
}

/** The loss at cumulative time `t` on `clock`, linear between rows; NaN outside the curve. */
export function lossAtTime(c: ValidationCurve, clock: Clock, t: number): number {
  const ts = c[clock];
  if (ts.length === 0 || !(t >= ts[0] && t <= ts[ts.length - 1])) return NaN;
  let k = 1;
  while (k < ts.length && ts[k] < t) k++;
  if (k >= ts.length || ts[k] === t) return c.loss[Math.min(k, ts.length - 1)];
  const f = (t - ts[k - 1]) / (ts[k] - ts[k - 1]);
  return c.loss[k - 1] + f * (c.loss[k] - c.loss[k - 1]);
}

/**
 * When the run first reaches `target` on its best-so-far curve (the model early stopping would keep),
 * linear within the row interval where it crosses; NaN when it never does.
 */
export function timeToLoss(c: ValidationCurve, clock: Clock, target: number): number {
  const ts = c[clock];
  for (let k = 0; k < c.loss.length; k++) {
    if (c.loss[k] > target) continue;
    if (k === 0) return ts[0];
    // every earlier row is above the target, so the crossing lies between rows k−1 and k
    const f = (c.loss[k - 1] - target) / (c.loss[k - 1] - c.loss[k]);
    return ts[k - 1] + f * (ts[k] - ts[k - 1]);
  }
  return NaN;
}

// ------------------------------------------------------------------ one pair (a seed)

/** What one seed says about a variant against its baseline. */
export interface PairMeasures {
  seed: number;
  /** variant − baseline validation loss when the faster of the two finished, per clock (nats/char) */
  equalTime: Record<Clock, number>;
  /** 1 − variant/baseline training time, per clock */
  saving: Record<Clock, number>;
  /**
   * 1 − variant/baseline time to reach the loss both runs reach (the worse of their best per-row losses),
   * per clock: the time a user saves to a given quality
   */
  toTarget: Record<Clock, number>;
  /** variant − baseline final validation loss at equal iterations (the end-of-run sample) */
  perIteration: number;
  /** baseline − variant training time per iteration, milliseconds: the absolute saving, per clock */
  savedMs: Record<Clock, number>;
}

/** Iterations a run trained: its last progress row's iteration + 1 (rows count from 0). */
const iterations = (r: VerdictRunResult): number => Number(r.rows[r.rows.length - 1].iteration) + 1;

export function measurePair(v: VerdictRunResult, b: VerdictRunResult): PairMeasures {
  const cv = validationCurve(v.rows), cb = validationCurve(b.rows);
  const per = (f: (clock: Clock) => number): Record<Clock, number> => ({ wall: f('wall'), cpu: f('cpu') });
  const end = (c: ValidationCurve, clock: Clock): number => c[clock][c[clock].length - 1];
  const target = Math.max(Math.min(...cv.loss), Math.min(...cb.loss));
  return {
    seed: v.seed,
    equalTime: per((clock) => {
      const t = Math.min(end(cv, clock), end(cb, clock));
      return lossAtTime(cv, clock, t) - lossAtTime(cb, clock, t);
    }),
    saving: { wall: 1 - v.train_time / b.train_time, cpu: 1 - v.train_cpu / b.train_cpu },
    toTarget: per((clock) => 1 - timeToLoss(cv, clock, target) / timeToLoss(cb, clock, target)),
    perIteration: v.val_loss - b.val_loss,
    savedMs: { wall: (1000 * (b.train_time - v.train_time)) / iterations(v), cpu: (1000 * (b.train_cpu - v.train_cpu)) / iterations(v) },
  };
}

// ------------------------------------------------------------------ the rule

/** A loss difference over seeds, beside the margin: t interval, signed-rank test, and how many seeds agree. */
export interface MarginEstimate extends Estimate {
  /** one-sided signed-rank test of H0 "the difference is at least the margin" (small p: within the margin) */
  withinMargin: SignedRankTest;
  /** seeds whose difference is below the margin */
  seedsBelow: number;
}

export function marginEstimate(diffs: readonly number[], margin = NON_INFERIORITY_MARGIN): MarginEstimate {
  const v = diffs.filter(Number.isFinite);
  return { ...estimate(v), withinMargin: signedRankTest(v, { mu: margin, alternative: 'less' }), seedsBelow: v.filter((d) => d < margin).length };
}

/**
 * drop-in: the loss interval's upper bound below the margin and faster beyond the noise; penalty: its lower
 * bound above the margin; undecided: the interval contains the margin; not faster: within the margin but
 * not faster beyond the noise; one seed: no interval, so nothing is decided.
 */
export type VerdictWord = 'drop-in' | 'penalty' | 'undecided' | 'not faster' | 'one seed';

export function decide(loss: Estimate, saving: Estimate, margin = NON_INFERIORITY_MARGIN): VerdictWord {
  if (!(loss.n > 1) || !Number.isFinite(loss.low)) return 'one seed';
  if (loss.low > margin) return 'penalty';
  if (loss.high >= margin) return 'undecided';
  return saving.n > 1 && saving.low > 0 ? 'drop-in' : 'not faster';
}

/** The word both clocks agree on; where wall and CPU time disagree, undecided. */
export function bothClocks(words: Record<Clock, VerdictWord>): VerdictWord {
  return words.wall === words.cpu ? words.wall : 'undecided';
}

/** The per-iteration judgement (the secondary table): the same margin, no speed. */
export type IterationWord = 'within margin' | 'penalty' | 'undecided' | 'one seed';

export function decideIteration(loss: Estimate, margin = NON_INFERIORITY_MARGIN): IterationWord {
  if (!(loss.n > 1) || !Number.isFinite(loss.low)) return 'one seed';
  return loss.low > margin ? 'penalty' : loss.high >= margin ? 'undecided' : 'within margin';
}

// ------------------------------------------------------------------ independent comparisons

/** Whether two runs' losses are bit-identical: every progress row's training and validation loss, and the final ones. */
export function sameLosses(a: VerdictRunResult, b: VerdictRunResult): boolean {
  if (a.val_loss !== b.val_loss || a.train_loss !== b.train_loss || a.rows.length !== b.rows.length) return false;
  return a.rows.every((r, k) => Number(r.loss) === Number(b.rows[k].loss) && Number(r.val_loss) === Number(b.rows[k].val_loss));
}

/** One activation at one size (and source): the implementations whose runs it has, and whether they are one comparison. */
export interface ComparisonUnit {
  source: VerdictRunResult['source'];
  size: string;
  /** the activation variant's name (tanh, isru, all-isru) */
  name: string;
  implementations: string[];
  seeds: number;
  /** seeds whose scalar and SIMD runs have bit-identical losses */
  identicalSeeds: number;
  /** scalar and SIMD identical in every seed: one loss comparison, not two */
  shared: boolean;
}

const unitKey = (r: Pick<VerdictRunResult, 'source' | 'size' | 'variant'>): string => `${r.source}|${r.size}|${parseVariantId(r.variant)?.name ?? r.variant}`;

export function comparisonUnits(runs: readonly VerdictRunResult[]): ComparisonUnit[] {
  const groups = new Map<string, VerdictRunResult[]>();
  for (const r of runs) groups.set(unitKey(r), [...(groups.get(unitKey(r)) ?? []), r]);
  return [...groups.values()].map((g) => {
    const impls = [...new Set(g.map((r) => parseVariantId(r.variant)?.impl ?? ''))].sort();
    const seeds = [...new Set(g.map((r) => r.seed))];
    const identical = seeds.filter((s) => {
      const sc = g.find((r) => r.seed === s && r.variant.endsWith('/scalar'));
      const si = g.find((r) => r.seed === s && r.variant.endsWith('/simd'));
      return !!sc && !!si && sameLosses(sc, si);
    }).length;
    return {
      source: g[0].source, size: g[0].size, name: parseVariantId(g[0].variant)?.name ?? g[0].variant,
      implementations: impls, seeds: seeds.length, identicalSeeds: identical,
      shared: impls.length > 1 && seeds.length > 0 && identical === seeds.length,
    };
  });
}

// ------------------------------------------------------------------ the table

/** One size × variant judged by the rule against tanh implemented the same way. */
export interface RuleRow {
  source: VerdictRunResult['source'];
  size: string;
  variant: string;
  /** tanh with the variant's implementation */
  baseline: string;
  seeds: number;
  equalTime: Record<Clock, MarginEstimate>;
  saving: Record<Clock, Estimate>;
  /** the saving in milliseconds per iteration */
  savedMs: Record<Clock, Estimate>;
  toTarget: Record<Clock, Estimate>;
  words: Record<Clock, VerdictWord>;
  /** the verdict: the word both clocks agree on */
  word: VerdictWord;
  /** `source|size|name`: rows with one unit and `shared` are one loss comparison */
  unit: string;
  shared: boolean;
}

/** The seed-paired measures of every non-tanh variant against tanh with its implementation. */
function pairsByVariant(runs: readonly VerdictRunResult[]): { key: VerdictRunResult; baseline: string; pairs: PairMeasures[] }[] {
  const groups = new Map<string, VerdictRunResult[]>();
  for (const r of runs) {
    const v = parseVariantId(r.variant);
    if (!v || v.name === 'tanh') continue;
    const k = `${r.source}|${r.size}|${r.variant}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  return [...groups.values()].map((g) => {
    const baseline = `tanh/${parseVariantId(g[0].variant)!.impl}`;
    const pairs = g.flatMap((r) => {
      const b = runs.find((x) => x.source === r.source && x.size === r.size && x.seed === r.seed && x.variant === baseline);
      return b ? [measurePair(r, b)] : [];
    });
    return { key: g[0], baseline, pairs };
  }).filter((g) => g.pairs.length > 0);
}

const order = (a: Pick<RuleRow, 'source' | 'size' | 'variant'>, b: Pick<RuleRow, 'source' | 'size' | 'variant'>): number =>
  (a.source === b.source ? 0 : a.source === 'verdict' ? -1 : 1) || sizeKey(a.size)[0] - sizeKey(b.size)[0] || sizeKey(a.size)[1] - sizeKey(b.size)[1] || variantRank(a.variant) - variantRank(b.variant);

export function ruleTable(runs: readonly VerdictRunResult[], margin = NON_INFERIORITY_MARGIN): RuleRow[] {
  const units = new Map(comparisonUnits(runs).map((u) => [`${u.source}|${u.size}|${u.name}`, u]));
  return pairsByVariant(runs).map(({ key, baseline, pairs }): RuleRow => {
    const per = <T>(f: (clock: Clock) => T): Record<Clock, T> => ({ wall: f('wall'), cpu: f('cpu') });
    const equalTime = per((c) => marginEstimate(pairs.map((p) => p.equalTime[c]), margin));
    const saving = per((c) => estimate(pairs.map((p) => p.saving[c])));
    const words = per((c) => decide(equalTime[c], saving[c], margin));
    const unit = unitKey(key);
    return {
      source: key.source, size: key.size, variant: key.variant, baseline, seeds: pairs.length,
      equalTime, saving, savedMs: per((c) => estimate(pairs.map((p) => p.savedMs[c]))), toTarget: per((c) => estimate(pairs.map((p) => p.toTarget[c]))),
      words, word: bothClocks(words), unit, shared: !!units.get(unit)?.shared,
    };
  }).sort(order);
}

/** The secondary table: final validation loss at equal iterations, one row per independent comparison. */
export interface IterationRow {
  source: VerdictRunResult['source'];
  size: string;
  /** the variant whose losses are used (the scalar one when scalar and SIMD are one comparison) */
  variant: string;
  /** the implementations this row stands for */
  implementations: string[];
  baseline: string;
  seeds: number;
  perIteration: MarginEstimate;
  /** seeds with a positive difference (the variant behind) */
  seedsBehind: number;
  word: IterationWord;
}

export function iterationTable(runs: readonly VerdictRunResult[], margin = NON_INFERIORITY_MARGIN): IterationRow[] {
  const units = new Map(comparisonUnits(runs).map((u) => [`${u.source}|${u.size}|${u.name}`, u]));
  const rows: IterationRow[] = [];
  for (const { key, baseline, pairs } of pairsByVariant(runs)) {
    const u = units.get(unitKey(key));
    // one comparison: the scalar row stands for both implementations
    if (u?.shared && !key.variant.endsWith('/scalar')) continue;
    const d = pairs.map((p) => p.perIteration);
    const perIteration = marginEstimate(d, margin);
    rows.push({
      source: key.source, size: key.size, variant: key.variant, implementations: u?.shared ? u.implementations : [parseVariantId(key.variant)!.impl],
      baseline, seeds: pairs.length, perIteration, seedsBehind: d.filter((x) => x > 0).length, word: decideIteration(perIteration, margin),
    });
  }
  return rows.sort(order);
}

// ------------------------------------------------------------------ the margin's evidence

/** Baseline-only numbers behind the margin: what tanh still gains late in its runs, and its rounding gap. */
export interface MarginEvidence {
  source: VerdictRunResult['source'];
  size: string;
  /** tanh/scalar's per-row validation loss fall per 1 000 iterations over the last quarter of its run (least squares), over seeds */
  gainPer1000: Estimate;
  /** the largest |tanh/scalar − tanh/simd| final validation loss of one seed: rounding alone */
  roundingGap: number;
}

function slope(xs: readonly number[], ys: readonly number[]): number {
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length, my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sxy = 0, sxx = 0;
  for (let k = 0; k < xs.length; k++) {
    sxy += (xs[k] - mx) * (ys[k] - my);
    sxx += (xs[k] - mx) ** 2;
  }
  return sxy / sxx;
}

export function marginEvidence(runs: readonly VerdictRunResult[]): MarginEvidence[] {
  const keys = [...new Set(runs.map((r) => `${r.source}|${r.size}`))];
  return keys.flatMap((k) => {
    const here = runs.filter((r) => `${r.source}|${r.size}` === k);
    const scalar = here.filter((r) => r.variant === 'tanh/scalar');
    if (scalar.length === 0) return [];
    const gains = scalar.map((r) => {
      const c = validationCurve(r.rows);
      const last = c.iteration[c.iteration.length - 1];
      const idx = c.iteration.map((it, j) => (it >= 0.75 * last ? j : -1)).filter((j) => j >= 0);
      return idx.length > 1 ? -1000 * slope(idx.map((j) => c.iteration[j]), idx.map((j) => c.loss[j])) : NaN;
    });
    const gaps = scalar.flatMap((r) => {
      const s = here.find((x) => x.variant === 'tanh/simd' && x.seed === r.seed);
      return s ? [Math.abs(r.val_loss - s.val_loss)] : [];
    });
    return [{ source: here[0].source, size: here[0].size, gainPer1000: estimate(gains), roundingGap: gaps.length ? Math.max(...gaps) : NaN }];
  }).sort((a, b) => order({ ...a, variant: '' }, { ...b, variant: '' }));
}
