/**
 * The README's first screen (src/analysis/bottom-line.ts) on synthetic verdict results: the sentences and
 * the table carry the numbers a hand computation gives, the vectorised comparison leads, the framework
 * sentence follows the direction of its intervals, and `lstm-opt answer` writes the block between its
 * markers (and --check passes after).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ANSWER_BEGIN, ANSWER_END, BOTTOM_LINE_BEGIN, BOTTOM_LINE_END } from '../src/analysis/answer';
import { buildBottomLine, frameworkSentence } from '../src/analysis/bottom-line';
import type { FrameworkSummary } from '../src/studies/framework-test/analysis';
import { toCsv } from '../src/io/csv';
import { verdictColumns } from '../src/studies/verdict/results';
import { runCli } from './helpers/cli';

const M = 'test-machine';
const VARIANTS = ['tanh/scalar', 'isru/scalar', 'tanh/simd', 'isru/simd'];

/** One seed's job at 2x8: the four variants with the given training times and validation losses. */
function writeJob(dir: string, seed: number, times: number[], losses: number[]): void {
  const stem = `2x8-s${seed}-i10`;
  const runs = VARIANTS.map((variant, k) => ({ variant, seed, train_loss: losses[k], val_loss: losses[k], val_bpc: losses[k] / Math.LN2, val_chars: 100, train_time: times[k], train_cpu: times[k], sample: 'text' }));
  writeFileSync(join(dir, `${stem}.json`), JSON.stringify({ kind: 'verdict', size: '2x8', iterations: 10, unit: { load_before: 0.1, load_after: 0.2 }, runs, skipped: [] }));
  VARIANTS.forEach((variant, k) => {
    const row = { func: variant.split('/')[0], type: 'Single-threaded', layers: 2, neurons: 8, iteration: 9, epoch: 0, loss: losses[k], forward_cpu: 1, forward_time: 1, back_cpu: 1, back_time: 1, adam_cpu: 1, adam_time: 1, variant, seed, val_loss: losses[k], val_bpc: losses[k] / Math.LN2, val_chars: 100, val_cpu: 0, val_time: 0 };
    writeFileSync(join(dir, `${stem}-${variant.replace('/', '-')}.csv`), toCsv(verdictColumns(), [row]));
  });
}

function fixture(): string {
  const results = mkdtempSync(join(tmpdir(), 'bottom-line-'));
  const dir = join(results, 'verdict', M);
  mkdirSync(dir, { recursive: true });
  // scalar: 1 − 8/10 = 20% in every seed; SIMD: 1 − 5.7/6 = 5%; ISRU's loss 0.05 above tanh's in both (identical losses)
  for (const seed of [1, 2, 3]) writeJob(dir, seed, [10, 8, 6, 5.7], [2, 2.05, 2, 2.05]);
  return results;
}

test('the bottom line: vectorised saving first, the loss beside the margin, the rule\'s words, one table row per size', () => {
  const results = fixture();
  try {
    const text = buildBottomLine({ dir: results, machine: M, profile: 'full' });
    assert.match(text, /^\*\*The bottom line\*\* \(measured on `test-machine`; regenerate with `npx lstm-opt answer`\):\n\n- \*\*Time:\*\* Against a tanh/);
    assert.match(text, /Against a tanh vectorised the same way, ISRU saves 5\.0% of the training time \(isru\/simd at 2x8\); with scalar activations on both sides it saves 20\.0%\./);
    // +0.05 in every seed: beyond δ = 0.010 with no spread, a penalty however much faster
    assert.match(text, /held-out loss is \+0\.050 nats\/char from the matching tanh's \(margin δ = 0\.010 nats\/char.*so no ISRU variant is shown to be a faster drop-in for tanh \(of the 2 size × variant cells: 2 penalty\)\./);
    assert.match(text, /no TensorFlow\.js results yet \(run `npx lstm-opt sweep framework`\)/);
    assert.match(text, /\| size \| isru\/scalar \| isru\/simd \|/);
    assert.match(text, /\| 2x8 \(3 seeds\) \| \*\*penalty\*\*<br>20\.0% · \+0\.050 \| \*\*penalty\*\*<br>5\.0% · \+0\.050 \|/);
    assert.match(text, /tanh\/scalar ends at 2\.00 at 2x8/);
    assert.match(text, /learn identically per iteration/, 'identical scalar and SIMD losses are explained');
  } finally {
    rmSync(results, { recursive: true, force: true });
  }
});

test('the framework sentence follows where the intervals lie', () => {
  const est = (mean: number, low: number, high: number) => ({ n: 8, mean, median: mean, std: 0, low, high });
  const backend = (name: string, time: [number, number, number], acc: [number, number, number]) => ({ backend: name, framework: name, cpu: { relative: est(...time) }, accuracy: est(...acc) });
  const slower = { backends: [backend('cpu', [0.116, 0.108, 0.125], [0.011, 0.001, 0.02]), backend('wasm', [0.265, 0.218, 0.312], [0.0106, 0.002, 0.02])] } as unknown as FrameworkSummary;
  assert.match(frameworkSentence(slower, 'cmd'), /it is 11\.6–26\.5% slower per epoch than the built-in tanh \(process CPU time, cpu and wasm backends, 8 paired seeds\), with its final validation accuracy \+1\.1 percentage points higher\./);
  const mixed = { backends: [backend('cpu', [-0.05, -0.08, -0.02], [0, -0.01, 0.01]), backend('wasm', [0.01, -0.02, 0.04], [0, -0.01, 0.01])] } as unknown as FrameworkSummary;
  const m = frameworkSentence(mixed, 'cmd');
  assert.match(m, /it is neither clearly faster nor slower \(time change −5\.0% to \+1\.0%\) per epoch than the built-in tanh/);
  assert.match(m, /accuracy no different beyond the noise/);
});

test('lstm-opt answer fills the bottom-line markers, and --check passes after', () => {
  const results = fixture();
  try {
    const readme = join(results, 'README.md');
    writeFileSync(readme, `# x\n\n${BOTTOM_LINE_BEGIN}\n${BOTTOM_LINE_END}\n\n## What this repository answers\n\n${ANSWER_BEGIN}\n${ANSWER_END}\n`);
    const args = ['answer', '--results', results, '--machine', M, '--readme', readme];
    assert.equal(runCli([...args, '--check']).code, 1);
    assert.equal(runCli(args).code, 0);
    const text = readFileSync(readme, 'utf8');
    const first = text.slice(text.indexOf(BOTTOM_LINE_BEGIN), text.indexOf(BOTTOM_LINE_END));
    assert.match(first, /\*\*The bottom line\*\*.*it saves 20\.0%/s);
    assert.ok(text.indexOf(BOTTOM_LINE_END) < text.indexOf(ANSWER_BEGIN), 'the bottom line stays above the answer in full');
    assert.equal(runCli([...args, '--check']).code, 0);
    // a second bottom-line begin marker is refused, and the README left as it is
    writeFileSync(readme, text + `\n${BOTTOM_LINE_BEGIN}\n`);
    const refused = runCli(args);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /bottom-line:begin/);
  } finally {
    rmSync(results, { recursive: true, force: true });
  }
});
