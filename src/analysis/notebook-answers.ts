/**
 * What each notebook opens with: its answer in a sentence or two and its headline figures
 * (./headlines.ts), as markdown the notebook displays (`tslab.display.markdown`), so JupyterLab and
 * GitHub render it as text and an HTML table rather than console output. Computed from the results the
 * notebook loaded; the evidence and the machinery follow further down the notebook.
 */
import { activations } from '../activations';
import { isruTanhRatios, MathBenchRow } from '../studies/math-bench/core';
import { ResultsRoot, rootLabel } from '../io/results-root';
import { formatHeadline, HeadlineStudy } from '../stats/beside';
import { Estimate } from '../stats/stats';
import { bottomLine, frameworkSentence, lossScale, readFrameworkSummary } from './bottom-line';
import { FRAMEWORK_COMMAND } from '../studies/framework-test/results';
import { FrameworkSummary } from '../studies/framework-test/analysis';
import { VerdictResults } from '../studies/verdict/analysis';
import { ruleTable } from '../studies/verdict/rule';
import { LongComparison } from '../studies/verdict/long-run';
import { PrecisionComparison } from '../studies/precision/analysis';
import { cellCountDifference, cellCountSaving, VariantComparison } from '../studies/weather/analysis';
import { NetSizeSummary, variantOverview, widthTrend } from '../studies/net-size/analysis';
import { sweepTrendText } from '../studies/verdict/rule-report';

const fix = (x: number, d: number): string => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const pct = (x: number): string => `${fix(100 * x, 1)}%`;
const signed = (x: number, d: number): string => (Number.isFinite(x) ? `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(d)}` : 'n/a');
const hasCi = (e: Estimate): boolean => e.n > 1 && Number.isFinite(e.low) && Number.isFinite(e.high);
const pctCi = (e: Estimate): string => `${pct(e.mean)}${hasCi(e) ? ` [${pct(e.low)}, ${pct(e.high)}]` : ''}`;
const span = (xs: readonly number[], show: (x: number) => string): string => {
  const lo = show(Math.min(...xs)), hi = show(Math.max(...xs));
  return lo === hi ? lo : `${lo} to ${hi}`;
};
/** Whether an interval lies wholly above (1), below (−1) or across (0) zero. */
const side = (e: Estimate): number => (hasCi(e) ? (e.low > 0 ? 1 : e.high < 0 ? -1 : 0) : 0);

/** The block: a bold lead naming where the numbers come from, the sentences, and the headline figures as a table. */
export function answerMarkdown<T>(label: string, lead: string, study?: HeadlineStudy<T>, results?: T): string {
  const parts = [`**The answer** (${label}): ${lead}`];
  const figures = study && results !== undefined ? study.headlines(results) : [];
  if (study && figures.length) {
    parts.push('', `| ${study.measure} | [95% CI] |`, '| --- | --- |', ...figures.map((h) => `| ${h.figure} | ${formatHeadline(h.estimate, study.unit)} |`));
  }
  return parts.join('\n');
}

/** A notebook without results: what produces them (the notebook's loader has printed the commands too). */
export function noResultsAnswer(what: string, command: string): string {
  return `**The answer:** no ${what} results for the machine chosen in the first cell — \`${command}\` measures them.`;
}

// ------------------------------------------------------------------ 01 activation functions

/** Notebook 01: whether ISRU has tanh's shape, and where it differs; the checks from their CSV when given. */
export function activationsLead(checks?: readonly Record<string, string | number>[]): string {
  const { tanh, isru } = activations;
  const x = 4;
  const shape =
    `ISRU has tanh's shape — odd, slope ${fix(isru.df(0), 0)} at 0, bounded by ±${fix(isru.f(Infinity), 0)} — but saturates more slowly: ` +
    `at x = ${x} it is ${(1 - isru.f(x)).toExponential(1)} below its bound where tanh is ${(1 - tanh.f(x)).toExponential(1)}, ` +
    `and it passes ${fix(isru.df(x) / tanh.df(x), 0)}× tanh's gradient there.`;
  if (!checks || checks.length === 0) return shape;
  const worst = Math.max(...checks.flatMap((c) => [Number(c.derivative_max_rel_diff), Number(c.integral_max_rel_diff)]).filter(Number.isFinite));
  return `${shape} Every hand-written derivative and antiderivative agrees with mathjs and numerical integration to a relative ${worst.toExponential(1)} or better.`;
}

// ------------------------------------------------------------------ 02 math-bench

/** Notebook 02: ISRU's cost as a fraction of tanh's on one machine, per scalar call and per element of the largest array. */
export function mathBenchLead(machine: string, rows: readonly MathBenchRow[]): string {
  const ratios = isruTanhRatios(rows);
  const lib = ratios.filter((r) => r.impl === 'library');
  const scalar = lib.find((r) => r.kind === 'scalar');
  const arrays = lib.filter((r) => r.kind !== 'scalar' && r.tanh > 0 && r.isru > 0);
  const simd = ratios.filter((r) => r.impl === 'simd' && r.tanh > 0 && r.isru > 0);
  const below = ratios.filter((r) => !(r.tanh > 0 && r.isru > 0));
  const parts: string[] = [];
  if (scalar) parts.push(`on ${machine} one ISRU call costs ${fix(scalar.ratio, 2)}× a tanh (${fix(scalar.isru, 2)} vs ${fix(scalar.tanh, 2)} ns)`);
  if (arrays.length) parts.push(`per element of a typed-array kernel ${span(arrays.map((r) => r.ratio), (v) => `${fix(v, 2)}×`)}`);
  if (simd.length) parts.push(`against the vectorised (SIMD) tanh ${span(simd.map((r) => r.ratio), (v) => `${fix(v, 2)}×`)}`);
  if (parts.length === 0) return `${machine}'s math-bench has no tanh and ISRU rows.`;
  const note = below.length ? ` ${below.length} kernel${below.length === 1 ? '' : 's'} cost${below.length === 1 ? 's' : ''} less than the timer resolves, so no ratio is given for ${below.length === 1 ? 'it' : 'them'}.` : '';
  const resolved = ratios.filter((r) => r.tanh > 0 && r.isru > 0);
  const cheaper = resolved.filter((r) => r.ratio < 1).length;
  const overall = cheaper === resolved.length ? 'ISRU is the cheaper function in every way of calling it that was timed' : `ISRU is cheaper in ${cheaper} of the ${resolved.length} ways of calling it that were timed`;
  return `${parts.join('; ')}: ${overall}.${note}`.replace(/^o/, 'O');
}

// ------------------------------------------------------------------ 03 weather predictor

/** Notebook 03: each variant's training-time saving and accuracy difference against tanh/scalar. */
export function weatherLead(comparisons: readonly VariantComparison[]): string {
  if (comparisons.length === 0) return 'only tanh/scalar has results: nothing to compare.';
  const savings = comparisons.map((c) => ({ variant: c.variant, saving: cellCountSaving(c.differences.TrainTime), accuracy: cellCountDifference(c.differences.Accuracy) }));
  const faster = savings.filter((s) => side(s.saving) > 0);
  const worse = savings.filter((s) => side(s.accuracy) > 0);
  const best = savings.reduce((a, b) => (b.saving.mean > a.saving.mean ? b : a));
  return (
    `${faster.length} of ${savings.length} variants train faster than tanh/scalar beyond the noise (most: ${best.variant}, ${pctCi(best.saving)}); ` +
    (worse.length
      ? `${worse.map((s) => s.variant).join(', ')} ${worse.length === 1 ? 'is' : 'are'} less accurate beyond the noise.`
      : `no variant is less accurate beyond the noise (tanh − variant: ${span(savings.map((s) => s.accuracy.mean), (v) => `${signed(v, 2)}`)} percentage points).`)
  );
}

// ------------------------------------------------------------------ 04 network-size sweep

/** Notebook 04: every variant's pooled whole-iteration CPU saving, and how ISRU's own changes with the width. */
export function netSizeLead(summaries: readonly NetSizeSummary[]): string {
  const overview = variantOverview(summaries);
  if (overview.length === 0) return 'no variant besides tanh/scalar has runs.';
  const configs = new Set(summaries.map((s) => `${s.layers}x${s.neurons}`)).size;
  const best = overview.reduce((a, b) => (b.cpu.total.pooled.mean > a.cpu.total.pooled.mean ? b : a));
  const worst = overview.reduce((a, b) => (b.cpu.total.pooled.mean < a.cpu.total.pooled.mean ? b : a));
  const trend = sweepTrendText(widthTrend(summaries));
  return (
    `Averaged over ${configs} network sizes, the whole-iteration CPU time saved against tanh/scalar ranges from ` +
    `${pctCi(worst.cpu.total.pooled)} (${worst.variant}) to ${pctCi(best.cpu.total.pooled)} (${best.variant}).${trend ? ` ${trend}` : ''}`
  );
}

// ------------------------------------------------------------------ 05 long run

/** Notebook 05: the whole-run saving and the final held-out loss difference of every variant over the long run. */
export function longRunLead(comparisons: readonly LongComparison[], size: string, iterations: number): string {
  if (comparisons.length === 0) return 'only tanh/scalar has a long run: nothing to compare.';
  return (
    `Over ${iterations} iterations of ${size} (one seed), every variant saves ${span(comparisons.map((c) => c.wall.overall), pct)} of tanh/scalar's training time ` +
    `and ends with a held-out loss ${span(comparisons.map((c) => c.valDiff), (v) => signed(v, 3))} nats/char from tanh/scalar's ` +
    `(one seed: no interval, so the verdict's rule decides nothing here; notebook 08 judges it beside the seeded sizes).`
  );
}

// ------------------------------------------------------------------ 07 float vs double

/** Notebook 07: f32 over f64 time and the loss difference, per variant. */
export function precisionLead(comparisons: readonly PrecisionComparison[], size: string): string {
  if (comparisons.length === 0) return 'no variant has both precisions.';
  return (
    `At ${size}, f32 takes ${span(comparisons.map((c) => c.wall.overall), (v) => `${fix(v, 2)}×`)} the time of f64 (whole run, wall clock) ` +
    `and its training loss ends ${span(comparisons.map((c) => c.loss.final), (v) => signed(v, 4))} nats/char from f64's, over ${comparisons.length} variants.`
  );
}

// ------------------------------------------------------------------ 06 multi-threading

/** Notebook 06: where threads pay, from the study's headline figures. */
export function mtLead(speedups: readonly { figure: string; estimate: Estimate }[], cores: number): string {
  if (speedups.length === 0) return 'no multi-threaded results.';
  return `With ${cores} cores, a whole training iteration on threads is ${speedups.map((s) => `${fix(s.estimate.mean, 2)}× (${s.figure})`).join(' and ')} as fast as on one thread, averaged over the network sizes.`;
}

// ------------------------------------------------------------------ 08 the verdict, 09 the framework

/** Notebook 08: the README's bottom line for the loaded verdict results (and the same machine's framework test). */
export function verdictAnswer(results: VerdictResults & { root: ResultsRoot }): string {
  const runs = results.jobs.flatMap((j) => j.runs);
  return bottomLine(ruleTable(runs), lossScale(runs, results.split?.vocabSize), readFrameworkSummary(results.root), FRAMEWORK_COMMAND, rootLabel(results.root), '../');
}

/** Notebook 09: the framework sentence of the bottom line. */
export const frameworkLead = (s: FrameworkSummary): string => frameworkSentence(s, FRAMEWORK_COMMAND);
