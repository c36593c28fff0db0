/**
 * The README answer generator on synthetic results in a temporary folder: the numbers equal hand
 * computation, missing inputs become sentences naming the command, the README block is replaced (and the
 * markers inserted once), and `lstm-opt answer --check` fails on an out-of-date README.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ANSWER_BEGIN, ANSWER_END, buildAnswer, netSizeSavings, replaceAnswerBlock, weatherAnswer } from '../src/analysis/answer';
import { STUDY_PROGRESS_COLUMNS } from '../src/lstm/training-loop';
import { readReference } from '../src/io/results-root';
import { runCli } from './helpers/cli';

const M = 'test-machine';

function progress(func: string, L: number, N: number, rows: [number, number, number, number][]): string {
  // rows: iteration, loss, forward_time, back_time
  const lines = rows.map(([it, loss, f, b]) => [func, 'Single-threaded', L, N, it, 0, loss, f, f, b, b, 0.1, 0.1].join(','));
  return [STUDY_PROGRESS_COLUMNS.join(','), ...lines].join('\n') + '\n'; // the study's columns only, as the committed files
}

function fixture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'answer-'));
  const ns = join(dir, 'net-size', M);
  mkdirSync(ns, { recursive: true });
  // 1x8: forward 10 -> 8 (20%), backward 20 -> 18 (10%); 2x16: forward 10 -> 6 (40%), backward 20 -> 14 (30%)
  writeFileSync(join(ns, 'progress_1x8_tanh.csv'), progress('tanh', 1, 8, [[0, 4, 0.1, 0.1], [99, 2.0, 10, 20]]));
  writeFileSync(join(ns, 'progress_1x8_isru.csv'), progress('isru', 1, 8, [[0, 4, 0.1, 0.1], [99, 2.1, 8, 18]]));
  writeFileSync(join(ns, 'progress_2x16_tanh.csv'), progress('tanh', 2, 16, [[0, 4, 0.1, 0.1], [99, 1.5, 10, 20]]));
  writeFileSync(join(ns, 'progress_2x16_isru.csv'), progress('isru', 2, 16, [[0, 4, 0.1, 0.1], [99, 1.4, 6, 14]]));
  // an unpaired config is ignored
  writeFileSync(join(ns, 'progress_3x8_tanh.csv'), progress('tanh', 3, 8, [[0, 4, 0.1, 0.1]]));
  const w = join(dir, 'weather');
  mkdirSync(w);
  // pairs (cells/repeat): accuracy tanh − isru = 1, −1, 3; train time saving 1 − 8/10, 1 − 9/10, 1 − 5/10
  writeFileSync(join(w, `lstm-${M}-repeats.csv`), [
    'Cells,Func,Repeat,TrainTime,Accuracy,Variant',
    '10,tanh,0,10,70,tanh/scalar', '10,isru,0,8,69,isru/scalar', '10,tanh,1,10,70,tanh/scalar', '10,isru,1,9,71,isru/scalar', '20,tanh,0,10,73,tanh/scalar', '20,isru,0,5,70,isru/scalar',
  ].join('\n') + '\n');
  const mb = join(dir, 'math-bench');
  mkdirSync(mb);
  writeFileSync(join(mb, `${M}.csv`), 'Function,ns_per_op,kind,precision,length\ntanh,8,scalar,f64,1\nisru,2,scalar,f64,1\ntanh,10,array,f64,4096\nisru,3,array,f64,4096\n');
  return dir;
}

test('net-size and weather numbers match hand computation', () => {
  const dir = fixture();
  try {
    const s = netSizeSavings(join(dir, 'net-size', M));
    assert.deepEqual(s.map((c) => c.config), ['1x8', '2x16']);
    assert.ok(Math.abs(s[0].forward - 0.2) < 1e-12 && Math.abs(s[1].forward - 0.4) < 1e-12);
    assert.ok(Math.abs(s[0].backward - 0.1) < 1e-12 && Math.abs(s[1].backward - 0.3) < 1e-12);
    assert.ok(Math.abs(s[0].lossDifference - 0.1) < 1e-12 && Math.abs(s[1].lossDifference + 0.1) < 1e-12);
    const w = weatherAnswer({ dir, machine: M, profile: 'full' });
    assert.equal(w.pairs, 3);
    assert.equal(w.cellCounts, 2);
    // cell counts are the units: 10 cells (1, −1) → 0, 20 cells (3) → 3
    assert.ok(Math.abs(w.accuracy.mean - 1.5) < 1e-12);
    assert.ok(Math.abs(w.accuracy.std - 3 / Math.SQRT2) < 1e-12); // sample std of 0, 3
    // 95% CI: 1.5 ± t(0.975, 1)·(3/√2)/√2 = 1.5 ± 12.70620474·1.5
    assert.ok(Math.abs(w.accuracy.high - (1.5 + 12.70620474 * 1.5)) < 1e-7);
    assert.ok(Math.abs(w.trainSaving.mean - ((0.2 + 0.1) / 2 + 0.5) / 2) < 1e-12);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('net-size: the other variants\' whole-iteration CPU saving vs tanh/scalar joins the sentence when the sweep ran them', () => {
  const dir = fixture();
  try {
    const ns = join(dir, 'net-size', M);
    // all-isru/simd: forward 5, backward 15, adam 0.1 in both sizes → CPU saving 1 − 20.1/30.1 in both
    writeFileSync(join(ns, 'progress_1x8_all-isru-simd.csv'), progress('isru', 1, 8, [[0, 4, 0.1, 0.1], [99, 2.1, 5, 15]]));
    writeFileSync(join(ns, 'progress_2x16_all-isru-simd.csv'), progress('isru', 2, 16, [[0, 4, 0.1, 0.1], [99, 2.1, 5, 15]]));
    const a = buildAnswer({ dir, machine: M, profile: 'full' });
    const x = (100 * (1 - 20.1 / 30.1)).toFixed(1);
    assert.match(a, new RegExp(`Every variant vs tanh/scalar, whole iteration in process CPU time: all-isru/simd ${x}% \\(95% CI ${x}% to ${x}%, n = 2\\)\\.`));
    assert.match(a, /ISRU saves 30\.0% /, 'the study\'s sentence is unchanged');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the answer states the numbers and names the command for every missing input', () => {
  const dir = fixture();
  try {
    const a = buildAnswer({ dir, machine: M, profile: 'full' });
    assert.match(a, /one scalar ISRU costs 0\.25× a tanh/);
    assert.match(a, /Float64Array\(4096\) 0\.30×/);
    assert.match(a, /ISRU saves 30\.0% \(95% CI .* n = 2\) of tanh's forward time and 20\.0% /);
    assert.match(a, /in process CPU time forward 30\.0% \(95% CI .*, n = 2\), backward 20\.0%/);
    assert.match(a, /intervals over the 2 cell counts.*accuracy tanh − ISRU is 1\.50 percentage points \(95% CI -17\.56 to 20\.56, n = 2\)/);
    assert.match(a, /Long run:.*`npx lstm-opt sweep verdict-long`/);
    assert.match(a, /Float vs double:.*`npx lstm-opt sweep precision`/);
    const empty = mkdtempSync(join(tmpdir(), 'answer-empty-'));
    const b = buildAnswer({ dir: empty, machine: M, profile: 'full' });
    for (const cmd of ['npx lstm-opt math-bench', 'npx lstm-opt weather', 'npx lstm-opt sweep net-size', 'npx lstm-opt sweep verdict-long', 'npx lstm-opt sweep precision']) assert.ok(b.includes(`\`${cmd}\``), cmd);
    rmSync(empty, { recursive: true, force: true });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('replaceAnswerBlock inserts the markers once, then replaces only the block', () => {
  const readme = '# t\n\n## What this repository answers\n\nIntro.\n\n## Next\n\ntext\n';
  const once = replaceAnswerBlock(readme, 'A1');
  assert.equal(once, `# t\n\n## What this repository answers\n\nIntro.\n\n${ANSWER_BEGIN}\nA1\n${ANSWER_END}\n\n## Next\n\ntext\n`);
  const twice = replaceAnswerBlock(once, 'B2');
  assert.equal(twice, once.replace('A1', 'B2'));
  assert.equal(replaceAnswerBlock(twice, 'B2'), twice);
});

test('lstm-opt answer writes the README block; --check fails when it is out of date', () => {
  const dir = fixture();
  try {
    const readme = join(dir, 'README.md');
    // the markers say where the answer goes (a README without them is refused: test/cli-refusals.test.ts)
    writeFileSync(readme, `# x\n\n## What this repository answers\n\nQ?\n\n${ANSWER_BEGIN}\n${ANSWER_END}\n`);
    const args = ['answer', '--results', dir, '--machine', M, '--readme', readme];
    assert.equal(runCli([...args, '--check']).code, 1);
    const r = runCli(args);
    assert.equal(r.code, 0, r.stderr);
    const text = readFileSync(readme, 'utf8');
    assert.ok(text.includes(ANSWER_BEGIN) && text.includes('one scalar ISRU costs 0.25×'));
    assert.equal(runCli([...args, '--check']).code, 0);
    const bad = runCli(['answer', '--results', join(dir, 'nope')]);
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr.trim().split('\n').length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the committed README answer is the reference study\'s, current on any machine: answer --check passes as a machine with no results', () => {
  const r = runCli(['answer', '--check'], { env: { LSTM_OPT_MACHINE: 'ci-unknown-2c' } });
  assert.equal(r.code, 0, r.stderr);
  const printed = runCli(['answer', '--print'], { env: { LSTM_OPT_MACHINE: 'ci-unknown-2c' } });
  assert.match(printed.stdout, new RegExp(`^\\*\\*The bottom line\\*\\* \\(measured on \`${readReference().machine}\`, the reference study`));
  assert.match(printed.stdout, new RegExp(`^Measured on \`${readReference().machine}\`, full profile, the reference study`, 'm'));
  assert.doesNotMatch(printed.stdout, /no results yet/);
});
