/**
 * The README's first screen: the study's answer in three sentences and one table, computed from one
 * machine's results (the reference study unless told otherwise).
 *
 *  1. time: what ISRU saves against the matching tanh (tanh implemented the same way), vectorised first,
 *     because a vectorised tanh is what a production engine would run;
 *  2. accuracy: the held-out loss at equal training time against the same tanh, beside the margin of the
 *     decision rule (src/analysis/verdict-rule.ts), and the rule's words;
 *  3. a framework: the TensorFlow.js test (src/analysis/framework.ts), where ISRU is built from generic ops.
 *
 * The words and numbers are the decision rule's and the framework analysis's; this module only chooses
 * which of them lead and says them briefly. Pure below `buildBottomLine`, which reads the results.
 */
import { parseVariantId, variantRank } from '../studies/variants';
import { MissingResultsError } from '../io/results';
import { isReferenceRoot, ResultsRoot } from '../io/results-root';
import { command as cli } from '../command-name';
import { FrameworkSummary, readFrameworkRoot, summariseFramework, verdict as intervalWord } from '../studies/framework-test/analysis';
import { FRAMEWORK_COMMAND } from '../studies/framework-test/results';
import { readVerdictResults, VERDICT_COMMANDS, VerdictRunResult } from '../studies/verdict/analysis';
import { marginEvidence, NON_INFERIORITY_MARGIN, RuleRow, ruleTable, VerdictWord } from '../studies/verdict/rule';

const fix = (x: number, d: number): string => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const signed = (x: number, d: number): string => (Number.isFinite(x) ? `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(d)}` : 'n/a');
const pct = (x: number): string => `${fix(100 * x, 1)}%`;

/** "2.5–9.5%" from the smallest and largest value; one number when they print the same. */
function range(values: readonly number[], show: (x: number) => string, unit = ''): string {
  const lo = show(Math.min(...values)), hi = show(Math.max(...values));
  return lo === hi ? `${lo}${unit}` : `${lo} to ${hi}${unit}`;
}
const pctRange = (values: readonly number[]): string => {
  const lo = fix(100 * Math.min(...values), 1), hi = fix(100 * Math.max(...values), 1);
  return lo === hi ? `${lo}%` : `${lo}–${hi}%`;
};

const where = (r: Pick<RuleRow, 'source' | 'size'>): string => `${r.size}${r.source === 'verdict-long' ? ' long run' : ''}`;
const decided = (r: RuleRow): boolean => r.word !== 'one seed';
const isSimd = (r: RuleRow): boolean => parseVariantId(r.variant)?.impl === 'simd';

/** The loss scale a reader needs to judge a difference in nats/char. */
export interface LossScale {
  /** tanh/scalar's mean final held-out loss per size, nats/char */
  tanhLoss: { size: string; loss: number }[];
  /** what tanh/scalar's held-out loss still falls per 1 000 iterations over the last quarter of its runs, mean over sizes */
  gainPer1000: number;
  /** characters of the vocabulary, when the split record says (a uniform guess costs ln of it) */
  vocabSize?: number;
}

export function lossScale(runs: readonly VerdictRunResult[], vocabSize?: number): LossScale {
  const multiSeed = runs.filter((r) => r.source === 'verdict' && r.variant === 'tanh/scalar');
  const sizes = [...new Set(multiSeed.map((r) => r.size))];
  const gains = marginEvidence(runs).filter((e) => e.source === 'verdict').map((e) => e.gainPer1000.mean).filter(Number.isFinite);
  return {
    tanhLoss: sizes.map((size) => {
      const here = multiSeed.filter((r) => r.size === size);
      return { size, loss: here.reduce((s, r) => s + r.val_loss, 0) / here.length };
    }),
    gainPer1000: gains.length ? gains.reduce((a, b) => a + b, 0) / gains.length : NaN,
    vocabSize,
  };
}

/** Sentence 1: the time saved against the matching tanh, vectorised first. */
export function timeSentence(rows: readonly RuleRow[]): string {
  const judged = rows.filter(decided);
  const simd = judged.filter(isSimd), scalar = judged.filter((r) => !isSimd(r));
  const sizes = (rs: readonly RuleRow[]): string => [...new Set(rs.map(where))].join(' and ');
  const parts: string[] = [];
  if (simd.length) parts.push(`Against a tanh vectorised the same way, ISRU saves ${pctRange(simd.map((r) => r.saving.wall.mean))} of the training time (${[...new Set(simd.map((r) => r.variant))].join(' and ')} at ${sizes(simd)})`);
  if (scalar.length) parts.push(`${simd.length ? 'with' : 'With'} scalar activations on both sides it saves ${pctRange(scalar.map((r) => r.saving.wall.mean))}`);
  return parts.length ? `${parts.join('; ')}.` : 'No ISRU variant has several seeds paired with tanh yet, so no time saving is established.';
}

/** How many table rows carry each of the rule's words, in the rule's order: "3 penalty, 5 undecided". */
export function wordCounts(rows: readonly RuleRow[]): string {
  const order: readonly VerdictWord[] = ['drop-in', 'not faster', 'undecided', 'penalty', 'one seed'];
  return order.map((w) => ({ w, n: rows.filter((r) => r.word === w).length })).filter((x) => x.n > 0)
    .map(({ w, n }) => (w === 'one seed' ? `${n} one seed, not decided` : `${n} ${w}`)).join(', ');
}

/** Sentence 2: the held-out loss at equal training time beside the margin, and the rule's verdict. */
export function lossSentence(rows: readonly RuleRow[], scale: LossScale, margin = NON_INFERIORITY_MARGIN): string {
  const judged = rows.filter(decided);
  if (judged.length === 0) return 'Without several seeds per variant the decision rule decides nothing yet.';
  const dropIns = judged.filter((r) => r.word === 'drop-in');
  const iterations = Number.isFinite(scale.gainPer1000) && scale.gainPer1000 > 0 ? `, about what tanh still gains in ${fix(Math.round((1000 * margin) / scale.gainPer1000 / 100) * 100, 0)} iterations late in a run` : '';
  const verdict = dropIns.length
    ? `ISRU is a faster drop-in for tanh in ${dropIns.map((r) => `${r.variant} at ${where(r)}`).join(', ')}`
    : 'no ISRU variant is shown to be a faster drop-in for tanh';
  return (
    `At equal training time its held-out loss is ${range(judged.map((r) => r.equalTime.wall.mean), (x) => signed(x, 3))} nats/char from the matching tanh's ` +
    `(margin δ = ${fix(margin, 3)} nats/char${iterations}), so ${verdict} (of the ${rows.length} size × variant cells: ${wordCounts(rows)}).`
  );
}

/** Sentence 3: ISRU inside TensorFlow.js, by process CPU time per epoch, and its accuracy there. */
export function frameworkSentence(s: FrameworkSummary | undefined, command: string): string {
  if (!s || s.backends.length === 0) return `Inside a framework: no TensorFlow.js results yet (run \`${command}\`).`;
  const rel = s.backends.map((b) => b.cpu.relative.mean);
  const words = new Set(s.backends.map((b) => intervalWord(b.cpu.relative, 'faster', 'slower', 'no clearer')));
  const how = words.size === 1 ? [...words][0] : 'mixed';
  const time = how === 'slower'
    ? `${pctRange(rel)} slower`
    : how === 'faster' ? `${pctRange(rel.map((x) => -x))} faster` : `neither clearly faster nor slower (time change ${range(rel, (x) => `${signed(100 * x, 1)}%`)})`;
  const acc = s.backends.map((b) => b.accuracy.mean);
  const accWords = new Set(s.backends.map((b) => intervalWord(b.accuracy, 'lower', 'higher', 'unchanged')));
  const accText = accWords.size === 1 && !accWords.has('unchanged')
    ? `its final validation accuracy ${range(acc, (x) => signed(100 * x, 1), ' percentage points')} ${[...accWords][0]}`
    : `its final validation accuracy no different beyond the noise (${range(acc, (x) => signed(100 * x, 1), ' percentage points')})`;
  const seeds = Math.min(...s.backends.map((b) => b.cpu.relative.n));
  return (
    `Inside TensorFlow.js, where ISRU is assembled from generic ops, it is ${time} per epoch than the built-in tanh ` +
    `(process CPU time, ${s.backends.map((b) => b.backend).join(' and ')} backends, ${seeds} paired seeds), with ${accText}.`
  );
}

/** The compact table: one row per size, one column per ISRU variant; each cell the word, the saving and the loss. */
export function bottomLineTable(rows: readonly RuleRow[]): string {
  if (rows.length === 0) return '';
  const variants = [...new Set(rows.map((r) => r.variant))].sort((a, b) => variantRank(a) - variantRank(b));
  const sizes = [...new Set(rows.map(where))];
  const cell = (r: RuleRow | undefined): string => {
    if (!r) return 'not run';
    return `**${r.word}**<br>${pct(r.saving.wall.mean)} · ${signed(r.equalTime.wall.mean, 3)}`;
  };
  const label = (size: string): string => {
    const r = rows.find((x) => where(x) === size)!;
    return `${r.size}${r.source === 'verdict-long' ? ', long run' : ''} (${r.seeds} seed${r.seeds === 1 ? '' : 's'})`;
  };
  return [
    `| size | ${variants.join(' | ')} |`,
    `| --- | ${variants.map(() => '---').join(' | ')} |`,
    ...sizes.map((size) => `| ${label(size)} | ${variants.map((v) => cell(rows.find((r) => where(r) === size && r.variant === v))).join(' | ')} |`),
  ].join('\n');
}

/** What the table's names and units mean, with the loss scale from the results. */
/** `linkBase`: the path from the reader's file to the project root ('' for the README, '../' for a notebook). */
export function tableNote(rows: readonly RuleRow[], scale: LossScale, linkBase = ''): string {
  const levels = scale.tanhLoss.map((t) => `${fix(t.loss, 2)} at ${t.size}`).join(', ');
  const uniform = scale.vocabSize ? `; guessing uniformly over the ${scale.vocabSize} characters costs ${fix(Math.log(scale.vocabSize), 2)}` : '';
  const shared = rows.some((r) => r.shared)
    ? ' The scalar and SIMD runs of one activation compute the same function and learn identically per iteration; their losses at equal time differ only through their speed.'
    : '';
  return (
    `Each cell: the verdict, then the training time saved against **the matching tanh** (tanh implemented the same way: tanh/scalar for a scalar variant, tanh/simd for a SIMD one) ` +
    `· the held-out loss difference at equal training time in **nats/char** (loss per character, natural log; tanh/scalar ends at ${levels || 'n/a'}${uniform}). ` +
    `Sizes are layers×cells: 2x128 = 2 layers of 128 cells. isru = ISRU in the cell (candidate and cell output); all-isru = ISRU-sigmoid gates too. ` +
    `scalar = one element at a time through \`Math\`; simd = WebAssembly SIMD vectors. The words are the decision rule's, fixed before the runs ` +
    `([docs/decisions/025-verdict-rule.md](${linkBase}docs/decisions/025-verdict-rule.md)).${shared}`
  );
}

/** The answer from already-loaded results (pure). */
export function bottomLine(rows: readonly RuleRow[], scale: LossScale, framework: FrameworkSummary | undefined, frameworkCommand: string, heading: string, linkBase = ''): string {
  const sentences = [['Time', timeSentence(rows)], ['Loss at equal time', lossSentence(rows, scale)], ['Inside a framework', frameworkSentence(framework, frameworkCommand)]];
  const table = bottomLineTable(rows);
  return [
    `**The bottom line** (${heading}):`, '',
    ...sentences.map(([what, text]) => `- **${what}:** ${text}`),
    ...(table ? ['', table, '', tableNote(rows, scale, linkBase)] : []),
  ].join('\n');
}

/**
 * The first-screen block for one machine's results. Without verdict results it says which command
 * produces them; without framework results, the third sentence does.
 */
export function buildBottomLine(root: ResultsRoot): string {
  const heading = `measured on \`${root.machine}\`${isReferenceRoot(root) ? ', the reference study' : ''}; regenerate with \`${cli('answer')}\``;
  const results = readVerdictResults(root);
  if (!results) return `**The bottom line** (${heading}): no verdict results yet — run \`${VERDICT_COMMANDS.full}\` to produce them.`;
  const runs = results.jobs.flatMap((j) => j.runs);
  return bottomLine(ruleTable(runs), lossScale(runs, results.split?.vocabSize), readFrameworkSummary(root), FRAMEWORK_COMMAND, heading);
}

/** One machine's TensorFlow.js test summarised, or undefined when it has none. */
export function readFrameworkSummary(root: ResultsRoot): FrameworkSummary | undefined {
  try {
    return summariseFramework(readFrameworkRoot(root).rows);
  } catch (err) {
    if (err instanceof MissingResultsError) return undefined;
    throw err;
  }
}
