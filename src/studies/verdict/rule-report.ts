/**
 * The decision rule's words and tables (notebook 08, the README answer): the rule stated with its margin,
 * the compact table per size and variant, the per-iteration table, the conclusion that counts independent
 * comparisons once, and the original study's claim judged half by half against the equally implemented
 * tanh. Pure: rule rows in, strings and display rows out.
 */
import { sizeKey } from '../../lstm/size';
import { hasCi, num, pct, pctCi as formatPctCi, signed, signedCi as formatSignedCi } from '../../analysis/format';
import { parseVariantId } from '../variants';
import type { ClaimCheck, SizeTrend } from './analysis';
import { ORIGINAL_SOURCE } from './analysis';
import type { Estimate } from '../../stats/stats';
import { IterationRow, MarginEstimate, MarginEvidence, NON_INFERIORITY_MARGIN, RuleRow, VerdictWord } from './rule';

const fix = num;
const ONE_SEED = '(1 seed, no CI)';
/** "+0.0123 [−0.0040, +0.0286]" (one seed: the value and "no CI") */
export const signedCi = (e: Estimate, d = 4): string => formatSignedCi(e, d, ONE_SEED);
/** "2.5% [2.0%, 3.1%]" */
export const pctCi = (e: Estimate): string => formatPctCi(e, ONE_SEED);
const pValue = (p: number): string => (Number.isFinite(p) ? p.toFixed(3) : 'n/a');
const where = (r: Pick<RuleRow, 'source' | 'size'>): string => `${r.size}${r.source === 'verdict-long' ? ' long run' : ''}`;

/** The rule, stated before any result: what is compared, the margin, and the words. */
export function ruleStatement(margin = NON_INFERIORITY_MARGIN): string {
  return (
    `Decision rule (fixed before the runs it judges): an ISRU variant is a faster drop-in for tanh when, against tanh implemented the same way ` +
    `(scalar with scalar, SIMD with SIMD), paired seed by seed, (1) its validation loss at equal training time — wall clock and process CPU time alike — ` +
    `is not worse by more than the non-inferiority margin δ = ${margin.toFixed(3)} nats/char: the upper bound of the 95% t interval over seeds is below δ; ` +
    `and (2) it is faster: the lower bound of its time saving's 95% interval is above 0. ` +
    `"penalty": the lower bound of the loss interval is above δ; "undecided": the interval contains δ; "not faster": within δ but not faster beyond the noise; ` +
    `"one seed": no interval, nothing decided. Where wall and CPU time give different words, the verdict is "undecided". ` +
    `A Wilcoxon signed-rank test of "the difference is at least δ" stands beside the t interval (with 5 seeds its smallest one-sided p is 1/32 = 0.031). ` +
    `The scalar and SIMD runs of one activation compute the same function: where their losses are bit-identical in every seed they are one comparison, counted once.`
  );
}

/** The margin's justification from the baseline alone: what tanh still gains late in its runs, and its rounding gap. */
export function marginEvidenceText(evidence: readonly MarginEvidence[], margin = NON_INFERIORITY_MARGIN): string {
  const gains = evidence.map((e) => `${where(e)} ${fix(e.gainPer1000.mean, 4)} (${e.gainPer1000.n} seed${e.gainPer1000.n === 1 ? '' : 's'})`).join(', ');
  const gaps = evidence.filter((e) => Number.isFinite(e.roundingGap)).map((e) => `${where(e)} ${fix(e.roundingGap, 4)}`).join(', ');
  return (
    `Why δ = ${margin.toFixed(3)}: over the last quarter of its runs tanh/scalar's validation loss still falls, per 1 000 iterations, ${gains} nats/char; ` +
    `a penalty of δ is worth about that many iterations of training. The largest scalar/SIMD gap of tanh's final loss in one seed — rounding alone — is ${gaps || 'n/a'} nats/char, far below δ.`
  );
}

/** The compact table: per size and variant the rule's inputs and its word. */
export function ruleTableRows(rows: readonly RuleRow[]): Record<string, string>[] {
  return rows.map((r) => ({
    size: where(r),
    variant: r.variant,
    'against': r.baseline,
    seeds: String(r.seeds),
    'loss at equal wall time, nats/char [95% CI]': signedCi(r.equalTime.wall),
    'seeds below δ': `${r.equalTime.wall.seedsBelow} of ${r.equalTime.wall.n}`,
    'signed-rank p (< δ)': pValue(r.equalTime.wall.withinMargin.pValue),
    'loss at equal CPU time [95% CI]': signedCi(r.equalTime.cpu),
    'time saved [95% CI]': pctCi(r.saving.wall),
    'CPU time saved [95% CI]': pctCi(r.saving.cpu),
    'time to the common loss saved [95% CI]': pctCi(r.toTarget.wall),
    verdict: r.word === r.words.wall ? r.word : `${r.word} (wall: ${r.words.wall}, CPU: ${r.words.cpu})`,
    comparison: r.shared ? `one with the other ${parseVariantId(r.variant)?.name ?? ''} implementation (identical losses)` : 'own',
  }));
}

/** The secondary table: final validation loss at equal iterations, one row per independent comparison. */
export function iterationTableRows(rows: readonly IterationRow[]): Record<string, string>[] {
  return rows.map((r) => ({
    size: where(r),
    variant: `${parseVariantId(r.variant)?.name ?? r.variant} (${r.implementations.join(' = ')})`,
    against: r.implementations.length > 1 ? 'tanh/scalar' : r.baseline,
    seeds: String(r.seeds),
    'final validation loss difference, nats/char [95% CI]': signedCi(r.perIteration),
    'seeds behind tanh': `${r.seedsBehind} of ${r.perIteration.n}`,
    'signed-rank p (< δ)': pValue(r.perIteration.withinMargin.pValue),
    'at equal iterations': r.word,
  }));
}

const WORD_ORDER: readonly VerdictWord[] = ['drop-in', 'not faster', 'undecided', 'penalty', 'one seed'];

/**
 * The verdict paragraph: per word the variants it applies to, then the count of independent comparisons
 * (size × activation, scalar and SIMD once where their losses are identical).
 */
export function ruleConclusion(rows: readonly RuleRow[], margin = NON_INFERIORITY_MARGIN): string {
  if (rows.length === 0) return 'No ISRU variant has results paired with tanh yet: nothing to decide.';
  const line = (r: RuleRow): string => `${r.variant} at ${where(r)} (${signedCi(r.equalTime.wall)} nats/char at equal time, ${r.equalTime.wall.seedsBelow} of ${r.equalTime.wall.n} seeds below δ; ${pctCi(r.saving.wall)} faster)`;
  const parts = WORD_ORDER.map((w) => ({ w, here: rows.filter((r) => r.word === w) })).filter((x) => x.here.length)
    .map(({ w, here }) => (w === 'one seed' ? `one seed, not decided: ${here.map((r) => `${r.variant} at ${where(r)}`).join(', ')}` : `${w}: ${here.map(line).join('; ')}`));
  const units = [...new Set(rows.filter((r) => r.word !== 'one seed').map((r) => r.unit))];
  const unitWords = units.map((u) => [...new Set(rows.filter((r) => r.unit === u).map((r) => r.word))]);
  const count = (w: VerdictWord): number => unitWords.filter((ws) => ws.length === 1 && ws[0] === w).length;
  const mixed = unitWords.filter((ws) => ws.length > 1).length;
  const tally = WORD_ORDER.filter((w) => w !== 'one seed' && count(w) > 0).map((w) => `${count(w)} ${w}`);
  if (mixed) tally.push(`${mixed} with different words for scalar and SIMD`);
  const dropIns = rows.filter((r) => r.word === 'drop-in');
  const head = dropIns.length
    ? `Verdict (δ = ${margin.toFixed(3)} nats/char): ISRU is a faster drop-in for tanh in ${dropIns.map((r) => `${r.variant} at ${where(r)}`).join(', ')}.`
    : `Verdict (δ = ${margin.toFixed(3)} nats/char): no ISRU variant is shown to be a faster drop-in for tanh.`;
  return `${head} ${parts.join('. ')}. Independent comparisons (size × activation; scalar and SIMD counted once where their losses are identical): ${units.length}, of which ${tally.join(', ') || 'none decided'}.`;
}

// ------------------------------------------------------------------ the original study

/** The original study's summary of its result, verbatim from its README. */
export const ORIGINAL_CLAIM = 'Preliminary results show 1-2% acceleration of training, classification and prediction with LSTM networks of relatively small size, while no notable decrease in learning rate or accuracy was detected.';
/** Its expectation for larger networks, as quoted before. */
export const ORIGINAL_SIZE_CLAIM = 'expect even better results with larger LSTM RNNs';

const SPEED_HALF = '1-2% acceleration of training … with LSTM networks of relatively small size';
const ACCURACY_HALF = 'no notable decrease in learning rate or accuracy was detected';

/**
 * The original claim judged in both halves at the smallest verdict size, against the equally implemented
 * tanh (each implementation its own line), and its size expectation read as a relative and as an absolute
 * saving between the smallest and the largest multi-seed size.
 *  - speed: confirmed when the saving's interval lies above 0 (exceeded when above 2%), refuted when it lies below 1%;
 *  - accuracy: refuted when the final loss at equal iterations ("accuracy") or the loss at equal time
 *    ("learning rate") is worse than δ beyond the interval, confirmed when both are within δ, else inconclusive;
 *  - larger networks: per reading, confirmed when the larger size's interval lies above the smaller's,
 *    refuted when below, inconclusive when they overlap.
 */
export function judgeOriginalClaim(rows: readonly RuleRow[], iterations: readonly IterationRow[], margin = NON_INFERIORITY_MARGIN): ClaimCheck[] {
  const judged = rows.filter((r) => r.source === 'verdict' && r.variant.startsWith('isru/') && hasCi(r.saving.wall));
  const params = (size: string): number => { const [l, n] = sizeKey(size); return l * n * n; };
  const sizes = [...new Set(judged.map((r) => r.size))].sort((a, b) => params(a) - params(b));
  const check = (claim: string, evidence: string, status: ClaimCheck['status'], explanation: string): ClaimCheck => ({ claim, source: ORIGINAL_SOURCE, evidence, status, explanation });
  if (sizes.length === 0) return [check(ORIGINAL_CLAIM, 'no multi-seed isru results', 'not measured', 'run the verdict sweep')];
  const small = judged.filter((r) => r.size === sizes[0]);
  const halves: ClaimCheck[] = [];
  for (const r of small) {
    const s = r.saving.wall;
    const ev = `${r.variant} vs ${r.baseline} at ${r.size}, ${r.seeds} seeds: training time saved ${pctCi(s)}`;
    if (s.low > 0.02) halves.push(check(SPEED_HALF, ev, 'confirmed', 'faster beyond the noise, by more than the claimed 1–2%'));
    else if (s.low > 0) halves.push(check(SPEED_HALF, ev, 'confirmed', 'faster beyond the noise, of the claimed order'));
    else if (s.high < 0.01) halves.push(check(SPEED_HALF, ev, 'refuted', 'the whole interval lies below a 1% acceleration'));
    else halves.push(check(SPEED_HALF, ev, 'inconclusive', 'the interval includes no acceleration'));
  }
  const it = iterations.find((r) => r.source === 'verdict' && r.size === sizes[0] && r.variant.startsWith('isru/'));
  const eq = small.map((r) => ({ r, e: r.equalTime.wall as MarginEstimate }));
  if (it) {
    const ev = `isru at ${it.size}: final validation loss ${signedCi(it.perIteration)} nats/char at equal iterations (${it.seedsBehind} of ${it.perIteration.n} seeds behind); at equal time ${eq.map(({ r, e }) => `${r.variant} ${signedCi(e)}`).join(', ')}`;
    const worse = it.perIteration.low > margin || eq.some(({ e }) => e.low > margin);
    const within = it.perIteration.high < margin && eq.every(({ e }) => e.high < margin);
    halves.push(check(ACCURACY_HALF, ev, worse ? 'refuted' : within ? 'confirmed' : 'inconclusive',
      worse ? `a decrease beyond the noise and larger than the margin δ = ${margin.toFixed(3)} nats/char` : within ? `within δ = ${margin.toFixed(3)} nats/char at equal iterations and at equal time` : 'the intervals contain the margin'));
  }
  // the claim is a conjunction: it stands only if both halves do
  const statuses = halves.map((h) => h.status);
  const whole = statuses.includes('refuted') ? 'refuted' : statuses.every((x) => x === 'confirmed') ? 'confirmed' : 'inconclusive';
  const out: ClaimCheck[] = [check(ORIGINAL_CLAIM, `both halves at ${sizes[0]}, against tanh implemented the same way`, whole,
    whole === 'refuted' ? `the ${halves.filter((h) => h.status === 'refuted').map((h) => (h.claim === SPEED_HALF ? 'speed' : 'accuracy')).filter((x, k, a) => a.indexOf(x) === k).join(' and ')} half is refuted` : whole === 'confirmed' ? 'both halves hold' : 'a half is undecided'), ...halves];
  if (sizes.length > 1) {
    const large = judged.filter((r) => r.size === sizes[sizes.length - 1]);
    for (const r of large) {
      const s = small.find((x) => x.variant === r.variant);
      if (!s) continue;
      const rel = compareIntervals(s.saving.wall, r.saving.wall), abs = compareIntervals(s.savedMs.wall, r.savedMs.wall);
      const ev = `${r.variant} vs ${r.baseline}: relative saving ${pctCi(s.saving.wall)} at ${s.size}, ${pctCi(r.saving.wall)} at ${r.size}; ` +
        `absolute ${signedCi(s.savedMs.wall, 3)} ms per iteration at ${s.size}, ${signedCi(r.savedMs.wall, 3)} at ${r.size}`;
      out.push(check(ORIGINAL_SIZE_CLAIM, ev, rel === abs ? (rel === 'larger' ? 'confirmed' : rel === 'smaller' ? 'refuted' : 'inconclusive') : 'inconclusive',
        `read as a relative saving the larger network saves ${rel === 'larger' ? 'more' : rel === 'smaller' ? 'less' : 'no differently'} (${rel === 'larger' ? 'supports' : rel === 'smaller' ? 'refutes' : 'does not decide'} the claim); ` +
        `read as an absolute saving per iteration it saves ${abs === 'larger' ? 'more' : abs === 'smaller' ? 'less' : 'no differently'} (${abs === 'larger' ? 'supports' : abs === 'smaller' ? 'refutes' : 'does not decide'} it)`));
    }
  }
  return out;
}

/** Whether interval b lies above a's, below it, or they overlap. */
function compareIntervals(a: Estimate, b: Estimate): 'larger' | 'smaller' | 'overlap' {
  if (!hasCi(a) || !hasCi(b)) return 'overlap';
  return b.low > a.high ? 'larger' : b.high < a.low ? 'smaller' : 'overlap';
}

/** The network-size sweep's relative saving at its narrowest and widest networks (more sizes than the verdict's two), or ''. */
export function sweepTrendText(trend: SizeTrend | undefined): string {
  if (!trend) return '';
  return `In the ${trend.source}, the relative saving of isru/scalar against tanh/scalar is ${pctCi(trend.small.saving)} at ${trend.small.label} and ${pctCi(trend.large.saving)} at ${trend.large.label}.`;
}
