import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROGRESS_HEADER } from './helpers/schemas';
import { cliEnv, runCli } from './helpers/cli';
import { dataPath, projectRoot } from '../src/io/paths';
import { readModelFile } from '../src/lstm/modelfile';

const corpus = dataPath('sotu-sample.txt');
const tiny = ['--corpus', corpus, '--layers', '1', '--neurons', '12', '--window', '20', '--quiet'];

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'lstm-opt-cli-'));
}

/** progress rows without the time columns (measurements differ between runs; nothing else may) */
function rowsWithoutTimes(path: string): string[] {
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  return lines.map((l) => l.split(',').slice(0, 7).join(','));
}

function assertOneLineError(r: { code: number | null; stderr: string }, pattern: RegExp): void {
  assert.notEqual(r.code, 0);
  assert.equal(r.stderr.trim().split('\n').length, 1, `expected one line, got: ${r.stderr}`);
  assert.match(r.stderr, pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
}

test('train: bad input gets one clear line, a non-zero exit, and leaves existing files alone', () => {
  const dir = tmp();
  const progress = join(dir, 'progress.csv');
  writeFileSync(progress, 'precious\n');
  writeFileSync(join(dir, 'empty.txt'), '');
  writeFileSync(join(dir, 'one.txt'), 'zzzzzz');
  const cases: [string[], RegExp][] = [
    [['--corpus', join(dir, 'missing.txt')], /corpus file not found/],
    [['--corpus', join(dir, 'empty.txt')], /corpus is empty/],
    [['--corpus', join(dir, 'one.txt')], /single distinct character/],
    [['--corpus', corpus, '--layers', '0'], /--layers must be a positive integer/],
    [['--corpus', corpus, '--neurons', '-5'], /--neurons must be a positive integer/],
    [['--corpus', corpus, '--neurons', 'many'], /--neurons must be a positive integer/],
    [['--corpus', corpus, '--iterations', '2.5'], /--iterations must be a positive integer/],
    [['--corpus', corpus, '--lr', 'fast'], /--lr must be a positive number/],
    [['--corpus', corpus, '--window', '50000'], /--window 50000 is larger than the corpus/],
    [['--corpus', corpus, '--threads', '0'], /--threads must be a positive integer or 'auto'/],
    [['--corpus', corpus, '--activation', 'relu'], /Allowed choices are tanh, isru/],
    [['--corpus', corpus, '--resume', join(dir, 'nothing.bin')], /model file not found/],
  ];
  for (const [args, pattern] of cases) {
    const r = runCli(['train', ...args, '--progress', progress, '--iterations', '5', '--quiet'].filter((a, i, all) => !(a === '--iterations' && all.indexOf('--iterations') !== i)));
    assertOneLineError(r, pattern);
    assert.equal(readFileSync(progress, 'utf8'), 'precious\n', `progress file touched by ${args.join(' ')}`);
  }
});

test('train writes the progress CSV in the study schema, saves models, and generate reads them', () => {
  const dir = tmp();
  const save = join(dir, 'model');
  const r = runCli(['train', ...tiny, '--iterations', '250', '--progress-every', '100', '--save', save]);
  assert.equal(r.code, 0, r.stderr);
  const lines = readFileSync(join(save, 'progress.csv'), 'utf8').trim().split('\n');
  assert.equal(lines[0], PROGRESS_HEADER);
  // the study's columns first, then the cell's gate and implementation, then the kernel set that ran (the default, plain WebAssembly SIMD)
  assert.deepEqual(lines.slice(1).map((l) => l.split(',')[15]), ['wasm', 'wasm', 'wasm', 'wasm']);
  assert.deepEqual(lines.slice(1).map((l) => l.split(',').slice(0, 5).join(',')), [
    'tanh,Single-threaded,1,12,0', 'tanh,Single-threaded,1,12,100', 'tanh,Single-threaded,1,12,200', 'tanh,Single-threaded,1,12,249',
  ]);
  const times = lines.slice(1).map((l) => l.split(',').slice(7, 13).map(Number));
  for (const l of lines.slice(1)) assert.ok(l.endsWith(',sigmoid,scalar,wasm'), l);
  for (let i = 1; i < times.length; i++) for (let k = 0; k < 6; k++) assert.ok(times[i][k] >= times[i - 1][k], 'times are cumulative');
  for (const f of ['model.json', 'model.bin', 'checkpoint.bin']) assert.ok(existsSync(join(save, f)), f);
  for (const f of ['model.json', 'model.bin', 'checkpoint.bin']) {
    const g = runCli(['generate', '--model', join(save, f), '--chars', '40', '--prime', 'The ', '--seed', '3']);
    assert.equal(g.code, 0, g.stderr);
    assert.ok(g.stdout.startsWith('The ') && g.stdout.length >= 44);
  }
  // same seed, same text, from either format
  const a = runCli(['generate', '--model', join(save, 'model.json'), '--seed', '9']).stdout;
  const b = runCli(['generate', '--model', join(save, 'model.bin'), '--seed', '9']).stdout;
  assert.equal(a, b);
  // --append continues the file without a second header
  const r2 = runCli(['train', ...tiny, '--iterations', '10', '--progress', join(save, 'progress.csv'), '--append']);
  assert.equal(r2.code, 0, r2.stderr);
  const after = readFileSync(join(save, 'progress.csv'), 'utf8').trim().split('\n');
  assert.equal(after.filter((l) => l.startsWith('func,')).length, 1);
  assert.equal(after.length, lines.length + 2);
  // a file in the study's thirteen columns (written before the later columns existed) is widened, not refused:
  // its rows get the gate and implementation their runs had and an empty (unknown) kernels field, the new rows the set that ran
  const old = join(dir, 'old.csv');
  writeFileSync(old, lines.map((l) => l.split(',').slice(0, 13).join(',')).join('\n') + '\n');
  const r3 = runCli(['train', ...tiny, '--iterations', '2', '--progress', old, '--append']);
  assert.equal(r3.code, 0, r3.stderr);
  const widened = readFileSync(old, 'utf8').trim().split('\n');
  assert.equal(widened[0], lines[0]);
  assert.deepEqual(widened.slice(1).map((l) => l.split(',').length), widened.slice(1).map(() => 16));
  assert.deepEqual(widened.slice(1).map((l) => l.split(',').slice(13).join(',')), [...lines.slice(1).map(() => 'sigmoid,scalar,'), 'sigmoid,scalar,wasm', 'sigmoid,scalar,wasm']);
});

test('generate: corrupted or truncated model files and bad flags are refused with one line', () => {
  const dir = tmp();
  const save = join(dir, 'm');
  assert.equal(runCli(['train', ...tiny, '--iterations', '3', '--save', save]).code, 0);
  const bin = readFileSync(join(save, 'model.bin'));
  writeFileSync(join(dir, 'trunc.bin'), bin.subarray(0, bin.length - 100));
  const flipped = Buffer.from(bin);
  flipped[Math.floor(flipped.length / 2)] ^= 0x40;
  writeFileSync(join(dir, 'flip.bin'), flipped);
  writeFileSync(join(dir, 'half.json'), readFileSync(join(save, 'model.json'), 'utf8').slice(0, 500));
  assertOneLineError(runCli(['generate', '--model', join(dir, 'trunc.bin')]), /truncated|checksum/);
  assertOneLineError(runCli(['generate', '--model', join(dir, 'flip.bin')]), /checksum mismatch/);
  assertOneLineError(runCli(['generate', '--model', join(dir, 'half.json')]), /not valid JSON/);
  assertOneLineError(runCli(['generate', '--model', corpus]), /not an lstm-opt model file/);
  assertOneLineError(runCli(['generate', '--model', join(save, 'model.bin'), '--prime', 'Ω']), /not in the model's vocabulary/);
  assertOneLineError(runCli(['generate', '--model', join(save, 'model.bin'), '--temperature', '0']), /--temperature must be a positive number/);
  assertOneLineError(runCli(['train', ...tiny, '--resume', join(save, 'model.bin')]), /--resume needs a checkpoint/);
});

test('same seed gives identical progress rows and identical model files', () => {
  const dirs = [tmp(), tmp()];
  for (const d of dirs) assert.equal(runCli(['train', ...tiny, '--activation', 'isru', '--precision', 'f32', '--iterations', '120', '--progress-every', '20', '--save', d]).code, 0);
  assert.deepEqual(rowsWithoutTimes(join(dirs[0], 'progress.csv')), rowsWithoutTimes(join(dirs[1], 'progress.csv')));
  assert.deepEqual(readFileSync(join(dirs[0], 'model.bin')), readFileSync(join(dirs[1], 'model.bin')));
});

test('Ctrl-C writes a loadable checkpoint; resuming it reproduces the uninterrupted run bit for bit', async () => {
  const dir = tmp();
  const args = ['train', ...tiny.filter((a) => a !== '--quiet'), '--iterations', '6000', '--progress-every', '50'];
  const full = join(dir, 'full');
  assert.equal(runCli([...args, '--save', full, '--quiet']).code, 0);

  const part = join(dir, 'part');
  const child = spawn(process.execPath, [join(projectRoot(), 'bin', 'lstm-opt.js'), ...args, '--save', part], { stdio: ['ignore', 'pipe', 'pipe'] , env: cliEnv() });
  let stderr = '';
  let sent = false;
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    // interrupt once the run is under way (after its second progress row)
    if (!sent && (stderr.match(/iteration \d+/g) ?? []).length >= 2) {
      sent = true;
      child.kill('SIGINT');
    }
  });
  const code = await new Promise<number | null>((res) => child.on('close', (c) => res(c)));
  assert.ok(sent, 'the run ended before it could be interrupted');
  assert.equal(code, 130, stderr);
  assert.match(stderr, /interrupted at iteration (\d+); checkpoint written to/);
  const stoppedAt = Number(/interrupted at iteration (\d+)/.exec(stderr)![1]);
  assert.ok(stoppedAt > 0 && stoppedAt < 6000, `stopped at ${stoppedAt}`);
  const ck = readModelFile(join(part, 'checkpoint.bin'));
  assert.equal(ck.checkpoint!.state.iteration, stoppedAt);
  assert.ok(!existsSync(join(part, 'model.bin')), 'an interrupted run does not write the final model');

  const r = runCli([...args, '--save', part, '--resume', join(part, 'checkpoint.bin'), '--append', '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(rowsWithoutTimes(join(part, 'progress.csv')), rowsWithoutTimes(join(full, 'progress.csv')));
  assert.deepEqual(readFileSync(join(part, 'model.bin')), readFileSync(join(full, 'model.bin')));
  // resume refuses flags that contradict the checkpoint
  assertOneLineError(runCli([...args, '--neurons', '13', '--resume', join(part, 'checkpoint.bin'), '--quiet']), /--neurons 13 conflicts with the checkpoint/);
});

test('divergence (NaN, exploding loss or parameters): exit 3, one line naming the settings, nothing saved', () => {
  const dir = tmp();
  // an absurd learning rate: the first Adam step moves every parameter by about 1e307
  const r = runCli(['train', '--corpus', corpus, '--layers', '1', '--neurons', '50', '--lr', '1e307', '--iterations', '50', '--save', dir, '--store-every', '1', '--quiet']);
  assertOneLineError(r, /training diverged at iteration \d+: .*(exploded|became).*; stopped without saving; .*lower --lr \(now 1e\+307\)/);
  assert.equal(r.code, 3);
  assert.ok(!existsSync(join(dir, 'model.bin')));
  // a loss that explodes but stays finite is divergence too (it used to be saved as a model)
  const big = runCli(['train', ...tiny, '--lr', '100', '--clip-mode', 'none', '--iterations', '50', '--save', join(dir, 'b'), '--quiet']);
  assertOneLineError(big, /training diverged at iteration \d+: the loss exploded to .*clip the gradients \(--clip-mode element or norm/);
  assert.equal(big.code, 3);
  assert.ok(!existsSync(join(dir, 'b', 'model.bin')));
});

test('after exit 3 the last good checkpoint resumes without diverging at once, unless the settings stay the same', () => {
  const dir = tmp();
  const base = ['train', ...tiny, '--save', dir];
  assert.equal(runCli([...base, '--iterations', '30', '--store-every', '10']).code, 0);
  const ck = join(dir, 'checkpoint.bin');
  const good = readFileSync(ck);
  // resuming with a learning rate that blows up: refused at once, the checkpoint is left as it was
  const bad = runCli([...base, '--resume', ck, '--append', '--iterations', '60', '--lr', '1e300', '--clip-mode', 'none']);
  assertOneLineError(bad, /training diverged at iteration 3\d: .*the checkpoint it resumed from is unchanged .*iteration 30\); when resuming, lower --lr \(now 1e\+300\) or clip the gradients/);
  assert.equal(bad.code, 3);
  assert.deepEqual(readFileSync(ck), good);
  // the same settings diverge again; the checkpoint's own settings continue
  assert.equal(runCli([...base, '--resume', ck, '--append', '--iterations', '60', '--lr', '1e300', '--clip-mode', 'none']).code, 3);
  const ok = runCli([...base, '--resume', ck, '--append', '--iterations', '60']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(readModelFile(ck).checkpoint!.state.iteration, 60);

  // a divergence later in a run: its last stored checkpoint is one whose next window's loss was fine
  const d2 = join(dir, 'late');
  const late = runCli(['train', ...tiny, '--lr', '3', '--clip-mode', 'none', '--iterations', '400', '--store-every', '1', '--save', d2]);
  assert.equal(late.code, 3, late.stderr);
  const [, at, kept] = /diverged at iteration (\d+):.*the last good checkpoint is .*\(iteration (\d+)\)/.exec(late.stderr)!.map(Number);
  assert.ok(kept < at, `${kept} < ${at}`);
  const stored = join(d2, 'checkpoint.bin');
  assert.equal(readModelFile(stored).checkpoint!.state.iteration, kept);
  // unchanged settings diverge again (not at once: its first window is the one that vouched for it)
  const same = runCli(['train', ...tiny, '--save', d2, '--resume', stored, '--append']);
  assert.equal(same.code, 3, same.stderr);
  assert.ok(Number(/diverged at iteration (\d+)/.exec(same.stderr)![1]) > kept + 1, same.stderr);
  const calmer = runCli(['train', ...tiny, '--save', d2, '--resume', stored, '--append', '--iterations', String(kept + 20), '--lr', '0.001']);
  assert.equal(calmer.code, 0, calmer.stderr);
});

test('gradcheck command passes on the standard shapes', () => {
  const r = runCli(['gradcheck']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal((r.stdout.match(/^ok /gm) ?? []).length, 20); // 5 shapes x 2 activations x 2 gates
});

test('--shuffle: the checkpoint records it, the order differs from the in-order run, and resuming cannot switch it', () => {
  const dir = tmp();
  const run = (name: string, extra: string[]) => runCli(['train', ...tiny, '--iterations', '30', '--progress-every', '10', '--save', join(dir, name), ...extra]);
  assert.equal(run('ordered', []).code, 0);
  assert.equal(run('shuffled', ['--shuffle']).code, 0);
  assert.equal(readModelFile(join(dir, 'shuffled', 'checkpoint.bin')).checkpoint!.state.shuffle, true);
  assert.equal(readModelFile(join(dir, 'ordered', 'checkpoint.bin')).checkpoint!.state.shuffle, undefined);
  // a shuffled epoch starts at another window, so the losses differ from the first row on
  assert.notDeepEqual(rowsWithoutTimes(join(dir, 'shuffled', 'progress.csv')), rowsWithoutTimes(join(dir, 'ordered', 'progress.csv')));
  assertOneLineError(runCli(['train', ...tiny, '--iterations', '40', '--shuffle', '--resume', join(dir, 'ordered', 'checkpoint.bin'), '--save', join(dir, 'ordered')]), /--shuffle true conflicts with the checkpoint \(false\)/);
});
