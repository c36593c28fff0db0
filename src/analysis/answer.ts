/**
 * The study's answer, in numbers, from the committed results (README "What this repository answers").
 * Every sentence is computed from a results CSV of one machine; an input that is missing or malformed
 * becomes a sentence naming the command that produces it, so the README can be regenerated at any time,
 * whichever experiments have run so far.
 *
 * Sources (schemas in docs/ARCHITECTURE.md, "Contracts"):
 *   net-size  results/net-size/<machine>/progress_<L>x<N>_<func>.csv   time saving per config (last row); every
 *             variant's saving vs tanh/scalar when the sweep ran the variants (src/studies/net-size/analysis.ts)
 *   long run  results/verdict-long/<machine>/long-*.json (+ CSVs)      per variant: time saving, validation-loss difference
 *   weather   results/weather/lstm-<machine>-repeats.csv (or lstm-<machine>.csv)  accuracy, train time
 *   precision results/precision/<machine>/progress-<f32|f64>-5x100[-<variant>].csv  per variant f32/f64 time ratio, loss difference
 *   math-bench results/math-bench/<machine>.csv                        ISRU/tanh cost per call
 *   verdict   results/verdict[-long]/<machine>/*.json (+ CSVs)         leads the answer when present:
 *             the decision rule's verdict (loss at equal time vs the equally implemented tanh), the
 *             per-iteration comparison, the original's claim in both halves
 *
 * The README carries two generated blocks: the bottom line on its first screen (./bottom-line.ts, between
 * the bottom-line markers) and this answer in full further down (between the answer markers).
 */
import { num, pct, proseCi } from './format';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readResults, MissingResultsError, ResultRow } from '../io/results';
import { lossDifference } from '../stats/compare';
import { estimate, Estimate } from '../stats/stats';
import { compareLong, readLongRoot } from '../studies/verdict/long-run';
import { comparePrecisions, readPrecisionRoot } from '../studies/precision/analysis';
import { isReferenceRoot, machineFolder, profileFolder, ResultsRoot } from '../io/results-root';
import { cellCountDifference, cellCountSaving, pairedDifferences, WEATHER_REPEAT_CHECKS } from '../studies/weather/analysis';
import { parseVariantId } from '../studies/variants';
import { readVerdictResults } from '../studies/verdict/analysis';
import { costSentence, verdictCost } from '../studies/verdict/cost';
import { iterationTable, NON_INFERIORITY_MARGIN, ruleTable } from '../studies/verdict/rule';
import { judgeOriginalClaim, ruleConclusion, signedCi, sweepTrendText } from '../studies/verdict/rule-report';
import { NetSizeConfigRuns, NetSizeSummary, pairsOf, readNetSizeConfigs, variantOverview, variantSummaries, widthTrend } from '../studies/net-size/analysis';
import { command as cli } from '../command-name';

export const ANSWER_BEGIN = '<!-- answer:begin -->';
export const ANSWER_END = '<!-- answer:end -->';
export const BOTTOM_LINE_BEGIN = '<!-- bottom-line:begin -->';
export const BOTTOM_LINE_END = '<!-- bottom-line:end -->';

/** "12.3% (95% CI 10.1% to 14.5%, n = 9)" */
const pctCi = (e: Estimate): string => proseCi(e, pct);
const numCi = (e: Estimate, d = 3, unit = ''): string => proseCi(e, (x) => num(x, d), unit);

/** Runs `f`; a MissingResultsError becomes its message (which names the command). */
function orMissing(f: () => string): string {
  try {
    return f();
  } catch (err) {
    if (err instanceof MissingResultsError) return err.message;
    throw err;
  }
}

/** Runs `f`; missing results become undefined. */
function orUndefined<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch (err) {
    if (err instanceof MissingResultsError) return undefined;
    throw err;
  }
}

// ------------------------------------------------------------------ net-size sweep

export interface NetSizeConfigSaving {
  config: string;
  forward: number;
  backward: number;
  /** the same savings in process CPU time (less disturbed by other load on a shared machine) */
  forwardCpu: number;
  backwardCpu: number;
  /** isru.loss − tanh.loss at the last common row */
  lossDifference: number;
}

/** Per configuration with both functions: whole-run savings (last row, cumulative times) and loss difference. */
export function netSizeSavings(dir: string): NetSizeConfigSaving[] {
  let configs: NetSizeConfigRuns[];
  try {
    configs = readNetSizeConfigs(dir, cli('sweep', 'net-size'));
  } catch (err) {
    if (err instanceof MissingResultsError) return [];
    throw err;
  }
  return pairsOf(configs, 'isru/scalar').map(({ config, baseline: tanh, candidate: isru }) => {
    const lt = tanh[tanh.length - 1], li = isru[isru.length - 1];
    return {
      config,
      forward: 1 - Number(li.forward_time) / Number(lt.forward_time),
      backward: 1 - Number(li.back_time) / Number(lt.back_time),
      forwardCpu: 1 - Number(li.forward_cpu) / Number(lt.forward_cpu),
      backwardCpu: 1 - Number(li.back_cpu) / Number(lt.back_cpu),
      lossDifference: lossDifference(tanh, isru).final,
    };
  });
}

function netSizeSentence(root: ResultsRoot, summaries: readonly NetSizeSummary[] | undefined): string {
  const s = netSizeSavings(machineFolder(root, 'net-size'));
  if (s.length === 0) return `**Network-size sweep:** no results yet in results/net-size/${root.machine} — run \`${cli('sweep', 'net-size')}\` to produce them.`;
  const fw = estimate(s.map((c) => c.forward)), bw = estimate(s.map((c) => c.backward)), ld = estimate(s.map((c) => c.lossDifference));
  const best = s.reduce((a, b) => (b.forward > a.forward ? b : a));
  const worst = s.reduce((a, b) => (b.forward < a.forward ? b : a));
  const variants = summaries ? netSizeVariantClause(summaries) : '';
  return (
    `**Network-size sweep** (${s.length} configurations, layers × neurons): ISRU saves ${pctCi(fw)} of tanh's forward time ` +
    `and ${pctCi(bw)} of its backward time, averaged over configurations (forward from ${pct(worst.forward)} at ${worst.config} ` +
    `to ${pct(best.forward)} at ${best.config}); in process CPU time forward ${pctCi(estimate(s.map((c) => c.forwardCpu)))}, ` +
    `backward ${pctCi(estimate(s.map((c) => c.backwardCpu)))}. Final loss ISRU − tanh: ${numCi(ld, 4)} nats/char.` +
    (variants ? ` ${variants}` : '')
  );
}

/** The other variants' whole-iteration savings vs tanh/scalar (CPU time), when the sweep ran them; else ''. */
function netSizeVariantClause(summaries: readonly NetSizeSummary[]): string {
  const others = variantOverview(summaries).filter((v) => v.variant !== 'isru/scalar');
  if (others.length === 0) return '';
  return `Every variant vs tanh/scalar, whole iteration in process CPU time: ${others.map((v) => `${v.variant} ${pctCi(v.cpu.total.pooled)}`).join('; ')}.`;
}

// ------------------------------------------------------------------ long runs

function longSentence(root: ResultsRoot): string {
  return orMissing(() => {
    const r = readLongRoot(root);
    const c = compareLong(r.runs);
    const each = c.map((x) => `${x.variant} saved ${pct(x.wall.overall)} of the wall and ${pct(x.cpu.overall)} of the CPU time, validation loss ${x.valDiff >= 0 ? '+' : ''}${num(x.valDiff, 4)} nats/char`);
    return (
      `**Long run** (${r.size}, ${r.iterations} iterations per variant, one seed, held-out validation loss; vs tanh/scalar, ` +
      `${r.layout === 'interleaved' ? 'all variants interleaved' : 'one job per variant'}): ${each.length ? each.join('; ') : 'no variant besides tanh/scalar'}.`
    );
  }).replace(/^No results yet/, '**Long run:** no results yet');
}

// ------------------------------------------------------------------ weather predictor

export interface WeatherAnswer {
  pairs: number;
  /** cell counts: the units of the intervals */
  cellCounts: number;
  /** tanh − isru accuracy (percentage points), cell counts as units */
  accuracy: Estimate;
  /** 1 − isru/tanh train time, cell counts as units */
  trainSaving: Estimate;
  fromRepeats: boolean;
}

/** Paired by cells and repeat, summarised with cell counts as units (weather.ts, cellCountSaving); the aggregated file pairs by cells only. */
export function weatherAnswer(root: ResultsRoot): WeatherAnswer {
  const command = cli('weather');
  const folder = profileFolder(root, 'weather');
  const repeats = join(folder, `lstm-${root.machine}-repeats.csv`);
  const fromRepeats = existsSync(repeats);
  let rows: ResultRow[];
  if (fromRepeats) rows = readResults(repeats, { command, columns: ['Cells', 'Func', 'Repeat', 'TrainTime', 'Accuracy', 'Variant'], ...WEATHER_REPEAT_CHECKS });
  else rows = readResults(join(folder, `lstm-${root.machine}.csv`), { command, columns: ['Cells', 'Func', 'TrainTime', 'Accuracy', 'Variant'] }).map((r) => ({ ...r, Repeat: 0 }));
  // the original question: the ISRU cell (scalar) against tanh/scalar
  const acc = pairedDifferences(rows, 'Accuracy', 'isru/scalar');
  const time = pairedDifferences(rows, 'TrainTime', 'isru/scalar');
  return { pairs: acc.reduce((n, p) => n + p.n, 0), cellCounts: time.length, accuracy: cellCountDifference(acc), trainSaving: cellCountSaving(time), fromRepeats };
}

function weatherSentence(root: ResultsRoot): string {
  return orMissing(() => {
    const w = weatherAnswer(root);
    return (
      `**Weather predictor** (${w.pairs} tanh/ISRU pairs${w.fromRepeats ? ' over cell counts and repeats' : ' over cell counts, averaged repeats'}; intervals over the ${w.cellCounts} cell counts, each the mean of its repeats): ` +
      `ISRU saves ${pctCi(w.trainSaving)} of the training time; accuracy tanh − ISRU is ${numCi(w.accuracy, 2, ' percentage points')}.`
    );
  }).replace(/^No results yet/, '**Weather predictor:** no results yet');
}

// ------------------------------------------------------------------ precision

function precisionSentence(root: ResultsRoot): string {
  return orMissing(() => {
    const r = readPrecisionRoot(root);
    const last = r.pairs[0].f64[r.pairs[0].f64.length - 1];
    const each = comparePrecisions(r.pairs).map((x) => `${x.variant} ${num(x.wall.overall, 3)}× (CPU ${num(x.cpu.overall, 3)}×; per-interval wall ${numCi(x.wall, 3)}), loss f32 − f64 ${x.loss.final.toExponential(1)} nats/char`);
    return `**Float vs double** (${r.size}, ${Number(last.iteration) + 1} iterations, f32 time / f64 time over the whole run): ${each.join('; ')}.`;
  }).replace(/^No results yet/, '**Float vs double:** no results yet');
}

// ------------------------------------------------------------------ math-bench

function mathBenchSentence(root: ResultsRoot): string {
  const machine = root.machine;
  const file = join(profileFolder(root, 'math-bench'), `${machine}.csv`);
  if (!existsSync(file)) return `**Math-bench:** no results yet in results/math-bench/${machine}.csv — run \`${cli('math-bench')}\` to produce them.`;
  return orMissing(() => {
    const rows = readResults(file, { command: cli('math-bench'), columns: ['Function', 'ns_per_op', 'kind'] });
    const find = (f: string, kind: string, extra: (r: ResultRow) => boolean = () => true): ResultRow | undefined => rows.find((r) => r.Function === f && r.kind === kind && extra(r));
    const parts: string[] = [];
    const st = find('tanh', 'scalar'), si = find('isru', 'scalar');
    if (st && si) parts.push(`one scalar ISRU costs ${num(Number(si.ns_per_op) / Number(st.ns_per_op), 2)}× a tanh (${num(Number(si.ns_per_op), 2)} vs ${num(Number(st.ns_per_op), 2)} ns)`);
    const big = (r: ResultRow): boolean => r.precision === 'f64' && Number(r.length) === Math.max(...rows.filter((x) => x.kind === 'array').map((x) => Number(x.length)));
    const at = find('tanh', 'array', big), ai = find('isru', 'array', big);
    if (at && ai) parts.push(`over a Float64Array(${at.length}) ${num(Number(ai.ns_per_op) / Number(at.ns_per_op), 2)}×`);
    if (parts.length === 0) return `**Math-bench:** results/math-bench/${machine}.csv has no tanh/isru rows — run \`${cli('math-bench')}\`.`;
    return `**Math-bench:** ${parts.join('; ')}.`;
  });
}

// ------------------------------------------------------------------ the verdict

/**
 * The verdict paragraph from the full-profile verdict results (results/verdict/<machine>, and the long run
 * in results/verdict-long/<machine>), or undefined when there are none: the answer then keeps its
 * per-experiment form alone. The verdict is the decision rule's (src/studies/verdict/rule.ts): loss at
 * equal time against tanh implemented the same way, within a margin fixed in advance; then the
 * per-iteration comparison, one line per independent comparison, and the original claim in both halves.
 */
export function verdictSentence(root: ResultsRoot, netSize?: readonly NetSizeSummary[]): string | undefined {
  const results = readVerdictResults(root);
  if (!results) return undefined;
  const runs = results.jobs.flatMap((j) => j.runs);
  const ruled = ruleTable(runs);
  const perIteration = iterationTable(runs);
  const skipped = [...new Set(results.jobs.flatMap((j) => j.skipped).map((s) => s.variant))];
  const iterations = [...new Set(results.jobs.map((j) => `${j.size}${j.source === 'verdict-long' ? ' long run' : ''} ${j.iterations} iterations`))].join(', ');
  const atIteration = perIteration.map((r) => `${parseVariantId(r.variant)?.name ?? r.variant} (${r.implementations.join(' = ')}) at ${r.size}${r.source === 'verdict-long' ? ' long run' : ''} ${signedCi(r.perIteration)}, ${r.seedsBehind} of ${r.perIteration.n} seeds behind: ${r.word}`);
  const claims = judgeOriginalClaim(ruled, perIteration).map((c) => `“${c.claim}”: **${c.status}** — ${c.evidence}; ${c.explanation}.`);
  const trend = netSize && widthTrend(netSize);
  const sweep = trend ? ` ${sweepTrendText(trend)}` : '';
  return [
    `**The verdict** (held-out validation loss on the newest 10% of the addresses; ${iterations}; the decision rule of docs/decisions/025-verdict-rule.md, fixed in advance: validation loss at equal training time against tanh implemented the same way, within δ = ${NON_INFERIORITY_MARGIN.toFixed(3)} nats/char at the upper 95% bound, and faster): ${ruleConclusion(ruled).replace(/^Verdict \([^)]*\): /, '')}${skipped.length ? ` Not measured in this build: ${skipped.join(', ')}.` : ''}`,
    `  - At equal iterations (final validation loss, variant − tanh, nats/char; scalar and SIMD once where their losses are identical): ${atIteration.join('; ')}.`,
    `  - The original study's claim, judged in both halves against tanh implemented the same way: ${claims.join(' ')}${sweep}`,
    `  - What the runs took, from their records (training and validation): ${costSentence(verdictCost(results.jobs))}.`,
  ].join('\n');
}

// ------------------------------------------------------------------ the block

/**
 * The machines that have any result the answer reads (folder names under net-size, precision,
 * and the <machine> part of math-bench/<machine>.csv and weather/lstm-<machine>[-repeats].csv), sorted.
 */
export function resultMachines(resultsDir: string): string[] {
  const entries = (sub: string): { name: string; folder: boolean }[] => {
    try {
      return readdirSync(join(resultsDir, sub), { withFileTypes: true }).map((e) => ({ name: e.name, folder: e.isDirectory() }));
    } catch {
      return [];
    }
  };
  const found = new Set<string>();
  for (const sub of ['net-size', 'precision', 'verdict', 'verdict-long']) for (const e of entries(sub)) if (e.folder) found.add(e.name);
  const byFile: [string, RegExp][] = [['math-bench', /^(.+)\.csv$/], ['weather', /^lstm-(.+?)(-repeats)?\.csv$/]];
  for (const [sub, pattern] of byFile) {
    for (const e of entries(sub)) {
      const m = pattern.exec(e.name);
      if (m && !e.folder) found.add(m[1]);
    }
  }
  return [...found].sort();
}

/**
 * The markdown answer from one machine's results (the reference study, results/reference.json, unless told
 * otherwise): the verdict first when its results exist, then one bullet per experiment.
 */
export function buildAnswer(root: ResultsRoot): string {
  // every variant's net-size summaries, read once: the net-size bullet and the verdict's size claim use them
  const netSize = orUndefined(() => variantSummaries(readNetSizeConfigs(machineFolder(root, 'net-size'))));
  const verdict = verdictSentence(root, netSize);
  const lines = [
    `Measured on \`${root.machine}\`, ${root.profile} profile${isReferenceRoot(root) ? ', the reference study named in results/reference.json' : ''} (regenerate with \`${cli('answer')}\`; savings are 1 − ISRU time / tanh time, positive = ISRU faster):`,
    '',
    ...(verdict ? [`- ${verdict}`] : []),
    `- ${mathBenchSentence(root)}`,
    `- ${weatherSentence(root)}`,
    `- ${netSizeSentence(root, netSize)}`,
    `- ${longSentence(root)}`,
    `- ${precisionSentence(root)}`,
  ];
  return lines.join('\n');
}

/** Why one marker pair cannot be trusted to delimit its block, or undefined when it can (or, if optional, is absent). */
function markerPairProblem(readme: string, begin: string, end: string, optional: boolean): string | undefined {
  const count = (m: string): number => readme.split(m).length - 1;
  const b = count(begin), e = count(end);
  if (b === 0 && e === 0) return optional ? undefined : `it has neither ${begin} nor ${end}; put the two markers where the answer goes`;
  if (b !== 1) return `it has ${b === 0 ? 'no' : b} ${begin} marker${b > 1 ? 's' : ''}; it needs exactly one`;
  if (e !== 1) return `it has ${e === 0 ? 'no' : e} ${end} marker${e > 1 ? 's' : ''}; it needs exactly one`;
  if (readme.indexOf(end) < readme.indexOf(begin)) return `its ${end} comes before ${begin}`;
  return undefined;
}

/**
 * Why the README's markers cannot be trusted to delimit the blocks (the answer's begin and end marker, once
 * each; the bottom line's, if present, likewise), or undefined when they can. Replacing anyway would delete
 * prose (no end marker) or add a block on every run (reversed markers), so `lstm-opt answer` refuses then.
 */
export function answerMarkersProblem(readme: string): string | undefined {
  return markerPairProblem(readme, ANSWER_BEGIN, ANSWER_END, false) ?? markerPairProblem(readme, BOTTOM_LINE_BEGIN, BOTTOM_LINE_END, true);
}

/** Whether the README has a place for the bottom line (its markers). */
export const hasBottomLine = (readme: string): boolean => readme.includes(BOTTOM_LINE_BEGIN) && readme.includes(BOTTOM_LINE_END);

/** README text with the block between two markers replaced; undefined when the markers are not in order. */
function replaceBetween(readme: string, begin: string, end: string, block: string): string | undefined {
  const b = readme.indexOf(begin), e = readme.indexOf(end);
  if (b < 0 || e < b) return undefined;
  return readme.slice(0, b) + `${begin}\n${block}\n${end}` + readme.slice(e + end.length);
}

/** README text with the bottom-line block replaced (the README must have its markers: hasBottomLine). */
export function replaceBottomLineBlock(readme: string, block: string): string {
  return replaceBetween(readme, BOTTOM_LINE_BEGIN, BOTTOM_LINE_END, block) ?? readme;
}

/**
 * README text with the block between the markers replaced. Markers missing: the block is inserted at the
 * end of the "## What this repository answers" section (or a new section at the end).
 */
export function replaceAnswerBlock(readme: string, block: string): string {
  const replaced = replaceBetween(readme, ANSWER_BEGIN, ANSWER_END, block);
  if (replaced !== undefined) return replaced;
  const wrapped = `${ANSWER_BEGIN}\n${block}\n${ANSWER_END}`;
  const h = readme.indexOf('## What this repository answers');
  if (h < 0) return readme.trimEnd() + '\n\n## What this repository answers\n\n' + wrapped + '\n';
  const next = readme.indexOf('\n## ', h + 3);
  const at = next < 0 ? readme.length : next + 1;
  return readme.slice(0, at) + wrapped + '\n\n' + readme.slice(at);
}
