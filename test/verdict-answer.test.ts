/**
 * The README answer with verdict results: it leads with the verdict (numbers from the job summaries),
 * keeps its old form without them, and `lstm-opt answer --check` passes on an up-to-date README and
 * fails once the results change.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ANSWER_BEGIN, ANSWER_END, buildAnswer } from '../src/analysis/answer';
import { toCsv } from '../src/io/csv';
import { verdictColumns } from '../src/studies/verdict/results';
import { runCli } from './helpers/cli';

const M = 'test-machine';

/** One verdict job: tanh/scalar and isru/scalar of a seed with the given training times and validation losses. */
function writeJob(dir: string, seed: number, times: [number, number], losses: [number, number]): void {
  const stem = `2x8-s${seed}-i10`;
  const variants = ['tanh/scalar', 'isru/scalar'];
  const runs = variants.map((variant, k) => ({ variant, seed, train_loss: losses[k], val_loss: losses[k], val_bpc: losses[k] / Math.LN2, val_chars: 100, train_time: times[k], train_cpu: times[k], sample: 'text' }));
  writeFileSync(join(dir, `${stem}.json`), JSON.stringify({ kind: 'verdict', size: '2x8', iterations: 10, unit: { load_before: 0.1, load_after: 0.2 }, runs, skipped: [] }));
  variants.forEach((variant, k) => {
    const row = { func: variant.split('/')[0], type: 'Single-threaded', layers: 2, neurons: 8, iteration: 9, epoch: 0, loss: losses[k], forward_cpu: 1, forward_time: 1, back_cpu: 1, back_time: 1, adam_cpu: 1, adam_time: 1, variant, seed, val_loss: losses[k], val_bpc: losses[k] / Math.LN2, val_chars: 100, val_cpu: 0, val_time: 0 };
    writeFileSync(join(dir, `${stem}-${variant.replace('/', '-')}.csv`), toCsv(verdictColumns(), [row]));
  });
}

test('the answer leads with the verdict when verdict results exist, and --check follows the results', () => {
  const results = mkdtempSync(join(tmpdir(), 'verdict-answer-'));
  try {
    const readme = join(results, 'README.md');
    writeFileSync(readme, `# x\n\n## What this repository answers\n\nQ?\n\n${ANSWER_BEGIN}\n${ANSWER_END}\n`);
    mkdirSync(join(results, 'math-bench'));
    writeFileSync(join(results, 'math-bench', `${M}.csv`), 'Function,ns_per_op,kind\ntanh,8,scalar\nisru,2,scalar\n');
    const before = buildAnswer({ dir: results, machine: M, profile: 'full' }).split('\n');
    assert.match(before[2], /^- \*\*Math-bench:\*\*/); // no verdict results: the old answer
    const dir = join(results, 'verdict', M);
    mkdirSync(dir, { recursive: true });
    // savings 1 − 8/10 = 0.2, 1 − 8.2/10 = 0.18, 1 − 7.8/10 = 0.22; loss differences 0.05 in every seed
    writeJob(dir, 1, [10, 8], [2, 2.05]);
    writeJob(dir, 2, [10, 8.2], [2.1, 2.15]);
    writeJob(dir, 3, [10, 7.8], [1.9, 1.95]);
    const lines = buildAnswer({ dir: results, machine: M, profile: 'full' }).split('\n');
    assert.match(lines[2], /^- \*\*The verdict\*\*/);
    assert.match(lines[2], /δ = 0\.010 nats\/char/);
    // the same +0.05 in every seed lies beyond the margin: a penalty, however much faster
    assert.match(lines[2], /no ISRU variant is shown to be a faster drop-in.*penalty: isru\/scalar at 2x8 \(\+0\.0500 \[\+0\.0500, \+0\.0500\] nats\/char at equal time, 0 of 3 seeds below δ; 20\.0% \[/);
    assert.match(lines[2], /Independent comparisons[^:]*: 1, of which 1 penalty/);
    assert.match(lines[3], /^  - At equal iterations .*isru \(scalar\) at 2x8 \+0\.0500 .*3 of 3 seeds behind: penalty/);
    assert.match(lines[4], /“Preliminary results show 1-2% acceleration of training, classification and prediction with LSTM networks of relatively small size, while no notable decrease in learning rate or accuracy was detected\.”: \*\*refuted\*\*/);
    assert.match(lines[4], /“1-2% acceleration of training … with LSTM networks of relatively small size”: \*\*confirmed\*\*/);
    assert.match(lines[4], /“no notable decrease in learning rate or accuracy was detected”: \*\*refuted\*\*/);
    // the cost is the jobs' own record: 2x8, medians 10 and 8 s over 10 iterations
    assert.match(lines[5], /^  - What the runs took, from their records .*: 2x8 \(10 iterations\): .* per seed for 2 variants .*, 800\.0–1000\.0 ms of training per iteration/);
    assert.match(lines.join('\n'), /- \*\*Math-bench:\*\*/); // the other experiments follow

    const args = ['answer', '--results', results, '--machine', M, '--readme', readme];
    const stale = runCli([...args, '--check']);
    assert.equal(stale.code, 1);
    assert.match(stale.stderr, /out of date/);
    assert.equal(runCli(args).code, 0);
    assert.match(readFileSync(readme, 'utf8'), /The verdict/);
    assert.equal(runCli([...args, '--check']).code, 0);
    // new results make the README stale again
    writeJob(dir, 4, [10, 9], [2, 2.2]);
    assert.equal(runCli([...args, '--check']).code, 1);
  } finally {
    rmSync(results, { recursive: true, force: true });
  }
});
