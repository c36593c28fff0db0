/**
 * The command line as a hostile user meets it. One table: every input the parser accepts but the engine
 * cannot handle, every unknown flag/command/choice, every output place that cannot be written, every
 * path a model file cannot be read from... each must end with its documented exit code and ONE line on
 * stderr without a stack trace, and leave every file that existed before exactly as it was.
 * Then the runs that must not lose work: an unwritable --save fails before training, Ctrl-C (or SIGTERM,
 * or SIGHUP) plus the printed command equals an uninterrupted run, a hard kill plus --resume --append does too, and the
 * temporary files a kill leaves are cleaned up by the next run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliEnv, runCli } from './helpers/cli';
import { dataPath, projectRoot, resultsPath } from '../src/io/paths';
import { encodeBinary, encodeJson, readModelFile } from '../src/lstm/modelfile';
import { snapshot, assertOneLine, rowsWithoutTimes } from './helpers/snapshot';

const corpus = dataPath('sotu-sample.txt');
const tiny = ['--corpus', corpus, '--layers', '1', '--neurons', '12', '--window', '20'];
const cli = join(projectRoot(), 'bin', 'lstm-opt.js');

const tmp = (): string => mkdtempSync(join(tmpdir(), 'lstm-opt-rel-'));

test('table: bad input of every class exits with its code and one line, and changes no existing file', () => {
  const dir = tmp();
  // inputs
  writeFileSync(join(dir, 'short.txt'), 'abcdefgh');
  // more distinct characters than the vocabulary can hold (code points above the BMP)
  writeFileSync(join(dir, 'huge-vocab.txt'), Array.from({ length: 65_600 }, (_, i) => String.fromCodePoint(0x10000 + i)).join(''));
  mkdirSync(join(dir, 'bad-notebooks'));
  writeFileSync(join(dir, 'bad-notebooks', 'broken.ipynb'), '{"cells": [');
  mkdirSync(join(dir, 'cellless-notebooks'));
  writeFileSync(join(dir, 'cellless-notebooks', 'empty.ipynb'), '{}');
  writeFileSync(join(dir, 'a-file'), 'I am a file, not a folder\n');
  writeFileSync(join(dir, 'README.md'), readFileSync(join(projectRoot(), 'README.md')));
  const precious = join(dir, 'progress.csv');
  writeFileSync(precious, 'precious\n');
  // model files: a good one, a byte-flipped and an edited JSON form, a FIFO, a folder
  const m = join(dir, 'm');
  assert.equal(runCli(['train', ...tiny, '--iterations', '3', '--save', m, '--quiet']).code, 0);
  const json = readFileSync(join(m, 'model.json'), 'utf8');
  const flipped = Buffer.from(json);
  flipped[Math.floor(flipped.length / 3)] ^= 0x01;
  writeFileSync(join(dir, 'flipped.json'), flipped);
  const edited = json.replace(/"params":\[(-?[\d.e-]+)/, (_, first: string) => `"params":[${Number(first) + 0.5}`);
  assert.notEqual(edited, json);
  writeFileSync(join(dir, 'edited.json'), edited);
  const fifo = join(dir, 'fifo');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  // a 3 GiB file that takes no disk (sparse): larger than any model file can be
  const huge = join(dir, 'huge.bin');
  assert.equal(spawnSync('truncate', ['-s', '3G', huge]).status, 0);
  const before = snapshot(dir);

  const train = (...args: string[]): string[] => ['train', ...tiny, '--iterations', '5', '--quiet', ...args];
  const cases: { args: string[]; code: number; error: RegExp; env?: NodeJS.ProcessEnv }[] = [
    // limits the parser accepts but the engine cannot handle
    { args: train('--layers', '65'), code: 2, error: /--layers must be an integer in \[1, 64\]/ },
    { args: train('--neurons', '9000'), code: 2, error: /--neurons must be an integer in \[1, 8192\]/ },
    { args: train('--neurons', '8192'), code: 2, error: /needs about .* GiB, more than 2\.0 GiB/ },
    { args: ['train', '--corpus', join(dir, 'huge-vocab.txt'), '--iterations', '1'], code: 2, error: /65600 distinct characters; .* at most 65536/ },
    { args: ['weather', '--cells', '4096', '--out', join(dir, 'w', 'lstm.csv'), '--quiet'], code: 2, error: /--cells 4096: .* more than 2\.0 GiB/ },
    ...['net-size', 'mt', 'precision'].map((kind) => ({
      args: ['sweep', kind, '--quick', '--corpus', join(dir, 'short.txt'), '--out', join(dir, `sweep-${kind}`), '--quiet'], code: 2, error: /has 8 characters; .* at least 101/,
    })),
    { args: ['gradcheck', '--vocab', '1'], code: 2, error: /--vocab must be an integer in \[2, 65536\]/ },
    { args: ['gradcheck', '--layers', '99'], code: 2, error: /--layers must be an integer/ },
    { args: ['charts', '--notebooks', join(dir, 'bad-notebooks'), '--out', join(dir, 'charts')], code: 2, error: /broken\.ipynb is not a valid notebook/ },
    { args: ['charts', '--notebooks', join(dir, 'cellless-notebooks'), '--out', join(dir, 'charts')], code: 2, error: /empty\.ipynb is not a valid notebook/ },
    { args: train('--threads', '999'), code: 2, error: /--threads 999 is too many: at most \d+/ },
    { args: ['sweep', 'mt', '--quick', '--threads', '999', '--out', join(dir, 'mt'), '--quiet'], code: 2, error: /--threads 999 is too many/ },
    // the parser's own errors
    { args: train('--bogus'), code: 2, error: /unknown option '--bogus'/ },
    { args: ['bogus'], code: 2, error: /unknown command 'bogus'/ },
    { args: train('--precision', 'f16'), code: 2, error: /'f16' is invalid\. Allowed choices are f64, f32/ },
    { args: ['generate'], code: 2, error: /required option '--model <file>' not specified/ },
    { args: ['sweep', 'nosuch'], code: 2, error: /unknown sweep 'nosuch'/ },
    // output places that cannot be written
    { args: train('--save', join(dir, 'a-file', 'model')), code: 2, error: /--save .* cannot be created/ },
    { args: train('--progress', join(dir, 'a-file', 'p.csv')), code: 2, error: /--progress .* cannot be created/ },
    { args: train('--save', '/proc/self/no-such/model'), code: 2, error: /--save .* cannot be created/ },
    { args: ['sweep', 'net-size', '--quick', '--out', join(dir, 'a-file'), '--quiet'], code: 2, error: /--out .* is a file, not a folder/ },
    { args: ['activations', '--out', join(dir, 'a-file', 'tables'), '--quiet'], code: 2, error: /--out .* cannot be created/ },
    { args: ['charts', '--notebooks', join(projectRoot(), 'notebooks'), '--out', join(dir, 'a-file', 'charts')], code: 2, error: /--out .* cannot be created/ },
    { args: ['math-bench', '--quick', '--out', join(dir, 'a-file', 'mb'), '--quiet'], code: 2, error: /a-file/ },
    { args: ['generate', '--model', join(dir, 'm', 'model.bin'), '--chars', '99999999999'], code: 2, error: /--chars must be at most/ },
    { args: ['weather', '--quick', '--out', join(dir, 'a-file', 'w.csv'), '--quiet'], code: 2, error: /--out .* (cannot be created|is not a folder)/ },
    // model files: corrupt JSON like corrupt binary, and paths that are no files at all
    { args: ['generate', '--model', join(dir, 'flipped.json')], code: 2, error: /flipped\.json: (checksum mismatch|not valid JSON|the checksum)/ },
    { args: ['generate', '--model', join(dir, 'edited.json')], code: 2, error: /edited\.json: checksum mismatch/ },
    { args: ['generate', '--model', '/dev/zero'], code: 2, error: /\/dev\/zero is not a regular file/ },
    { args: ['generate', '--model', '/dev/urandom'], code: 2, error: /\/dev\/urandom is not a regular file/ },
    { args: ['generate', '--model', fifo], code: 2, error: /fifo is not a regular file/ },
    { args: ['generate', '--model', dir], code: 2, error: /is a folder, not a model file/ },
    { args: ['generate', '--model', huge], code: 2, error: /huge\.bin is 3221225472 bytes, larger than any model file can be/ },
    { args: train('--resume', '/dev/zero'), code: 2, error: /not a regular file/ },
    // smaller points
    { args: ['answer', '--machine', 'no-such-machine', '--readme', join(dir, 'README.md'), '--results', resultsPath()], code: 2, error: /--machine no-such-machine: no results for it/ },
    { args: train(), code: 2, error: /LSTM_OPT_KERNELS must be 'js', 'wasm', 'wasm-fma'/, env: { LSTM_OPT_KERNELS: 'foo' } },
    // divergence has its own code
    { args: train('--lr', '1e300', '--clip-mode', 'none', '--iterations', '20', '--progress', join(dir, 'diverged.csv')), code: 3, error: /training diverged at iteration \d+: .*lower --lr/ },
  ];
  for (const c of cases) {
    const r = runCli(c.args, { cwd: dir, env: c.env, timeoutMs: 60_000 });
    const context = c.args.join(' ');
    assert.equal(r.code, c.code, `${context}: exit ${r.code}\n${r.stderr}`);
    assertOneLine(r.stderr, context);
    assert.match(r.stderr, c.error, context);
    const after = snapshot(dir);
    for (const [file, state] of before) assert.equal(after.get(file), state, `${context} changed or removed ${file}`);
  }
});

test('a train whose --save place cannot be written fails at once, before any training', () => {
  const dir = tmp();
  writeFileSync(join(dir, 'a-file'), 'x');
  const progress = join(dir, 'progress.csv');
  const started = Date.now();
  // a run that would take many minutes: it must not start
  const r = runCli(['train', ...tiny, '--iterations', '1000000', '--progress-every', '1', '--progress', progress, '--save', join(dir, 'a-file', 'out'), '--quiet']);
  const seconds = (Date.now() - started) / 1000;
  assert.equal(r.code, 2, r.stderr);
  assertOneLine(r.stderr, 'unwritable --save');
  assert.ok(!existsSync(progress), 'no progress row may be written before the check');
  assert.ok(seconds < 30, `took ${seconds} s`); // generous: the point is that it stops before training
  // the same for a sweep whose --out is a file: no configuration is trained
  const s = runCli(['sweep', 'net-size', '--quick', '--corpus', corpus, '--out', join(dir, 'a-file'), '--quiet'], { cwd: dir });
  assert.equal(s.code, 2, s.stderr);
  assert.deepEqual(readdirSync(dir).sort(), ['a-file']);
});

/** Splits the printed command (paths here have no spaces or quotes) and drops the program name. */
function printedCommand(stderr: string): string[] {
  const m = /continue with: npx lstm-opt (.*)\)$/m.exec(stderr);
  assert.ok(m, `no resume command in: ${stderr}`);
  return m[1].split(' ');
}

async function interruptAfterRows(args: string[], rows: number, signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] , env: cliEnv() });
  let stderr = '';
  let sent = false;
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (!sent && (stderr.match(/ iteration \d+ epoch/g) ?? []).length >= rows) {
      sent = true;
      child.kill(signal);
    }
  });
  const [code, sig] = await new Promise<[number | null, NodeJS.Signals | null]>((res) => child.on('close', (c, s) => res([c, s])));
  assert.ok(sent, `the run ended before it could be interrupted:\n${stderr}`);
  return { code, signal: sig, stderr };
}

/** The same run twice: uninterrupted into full/, and interrupted after `rows` progress rows into part/. */
async function referenceAndInterrupted(args: string[], rows: number, signal: NodeJS.Signals) {
  const dir = tmp();
  const full = join(dir, 'full');
  assert.equal(runCli([...args, '--save', full, '--quiet']).code, 0);
  const part = join(dir, 'part');
  return { full, part, r: await interruptAfterRows([...args, '--save', part], rows, signal) };
}

test('Ctrl-C, then the printed command (nothing added): the run finishes exactly like an uninterrupted one', async () => {
  const args = ['train', ...tiny, '--iterations', '3000', '--progress-every', '40', '--store-every', '200'];
  const { full, part, r } = await referenceAndInterrupted(args, 3, 'SIGINT');
  assert.equal(r.code, 130, r.stderr);
  const stopped = Number(/interrupted at iteration (\d+)/.exec(r.stderr)![1]);
  assert.ok(stopped > 0 && stopped < 3000, `stopped at ${stopped}`);
  const resumed = runCli(printedCommand(r.stderr));
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stdout, new RegExp(`iterations ${stopped}\\.\\.3000`));
  assert.deepEqual(rowsWithoutTimes(join(part, 'progress.csv')), rowsWithoutTimes(join(full, 'progress.csv')));
  assert.deepEqual(readFileSync(join(part, 'model.bin')), readFileSync(join(full, 'model.bin')));
  assert.deepEqual(readFileSync(join(part, 'model.json')), readFileSync(join(full, 'model.json')));
  // a new target resumes with the recorded progress interval, not the default
  const further = runCli(['train', '--corpus', corpus, '--resume', join(part, 'checkpoint.bin'), '--append', '--save', part, '--iterations', '3100', '--quiet']);
  assert.equal(further.code, 0, further.stderr);
  const its = rowsWithoutTimes(join(part, 'progress.csv')).slice(1).map((l) => Number(l.split(',')[4]));
  assert.deepEqual(its.slice(-3), [3040, 3080, 3099]);
});

test('SIGTERM (a container or batch scheduler stopping the job), then the printed command: the same rows and model as an uninterrupted run', async () => {
  const args = ['train', ...tiny, '--iterations', '1500', '--progress-every', '30'];
  // no --store-every: without the checkpoint written on the signal, all work would be lost
  const { full, part, r } = await referenceAndInterrupted(args, 3, 'SIGTERM');
  assert.equal(r.code, 143, r.stderr); // 128 + 15
  assert.match(r.stderr, /interrupted by SIGTERM at iteration \d+; checkpoint written to/);
  const resumed = runCli(printedCommand(r.stderr));
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.deepEqual(rowsWithoutTimes(join(part, 'progress.csv')), rowsWithoutTimes(join(full, 'progress.csv')));
  assert.deepEqual(readFileSync(join(part, 'model.bin')), readFileSync(join(full, 'model.bin')));
  assert.deepEqual(readFileSync(join(part, 'model.json')), readFileSync(join(full, 'model.json')));
  // SIGHUP (the terminal closed) does the same, with its own code
  const hup = await interruptAfterRows([...args, '--save', join(part, 'hup')], 2, 'SIGHUP');
  assert.equal(hup.code, 129, hup.stderr);
  assert.ok(readModelFile(join(part, 'hup', 'checkpoint.bin')).checkpoint!.state.iteration > 0);
});

test('a hard kill, then --resume --append: the rows after the checkpoint are cut, not duplicated', async () => {
  const args = ['train', ...tiny, '--iterations', '2000', '--progress-every', '20', '--store-every', '100'];
  // past the first checkpoint (iteration 100) with rows beyond it
  const { full, part, r } = await referenceAndInterrupted(args, 9, 'SIGKILL');
  assert.equal(r.signal, 'SIGKILL');
  const ck = readModelFile(join(part, 'checkpoint.bin')).checkpoint!.state;
  const written = rowsWithoutTimes(join(part, 'progress.csv')).slice(1).map((l) => Number(l.split(',')[4]));
  assert.ok(written.some((it) => it >= ck.iteration), `rows ${written} beyond checkpoint ${ck.iteration}`);
  assert.deepEqual(ck.run, { iterations: 2000, progressEvery: 20, storeEvery: 100 });
  // a temporary file as a kill mid-write leaves it (the writer's process is gone)
  const gone = spawnSync(process.execPath, ['-e', '0']).pid;
  const stale = join(part, `.model.bin.${gone}.${Date.now()}.tmp`);
  writeFileSync(stale, 'half a model');
  const resumed = runCli(['train', '--corpus', corpus, '--resume', join(part, 'checkpoint.bin'), '--append', '--save', part, '--quiet']);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.deepEqual(rowsWithoutTimes(join(part, 'progress.csv')), rowsWithoutTimes(join(full, 'progress.csv')));
  assert.deepEqual(readFileSync(join(part, 'model.bin')), readFileSync(join(full, 'model.bin')));
  assert.ok(!existsSync(stale), 'the stale temporary file was cleaned up');
  assert.deepEqual(readdirSync(part).filter((f) => f.endsWith('.tmp')), []);
});

test('a checkpoint from before the run record existed still loads and resumes with an explicit target', () => {
  const dir = tmp();
  assert.equal(runCli(['train', ...tiny, '--iterations', '30', '--save', dir, '--quiet']).code, 0);
  // rewrite the checkpoint without state.run, as older builds wrote it (binary header and JSON)
  const ck = readModelFile(join(dir, 'checkpoint.bin'));
  assert.deepEqual(ck.checkpoint!.state.run, { iterations: 30, progressEvery: 1000 });
  const { run: _run, ...old } = ck.checkpoint!.state;
  void _run;
  const oldData = { ...ck, checkpoint: { ...ck.checkpoint!, state: old } };
  writeFileSync(join(dir, 'old.bin'), encodeBinary(oldData));
  // a version-1 JSON file: no crc32 member
  const v1 = encodeJson(oldData).replace('"version":2', '"version":1').replace(/,"crc32":\d+\}\n$/, '}\n');
  writeFileSync(join(dir, 'old.json'), v1);
  for (const f of ['old.bin', 'old.json']) {
    assert.equal(readModelFile(join(dir, f)).checkpoint!.state.run, undefined);
    const r = runCli(['train', ...tiny, '--resume', join(dir, f), '--iterations', '40', '--progress', join(dir, `${f}.csv`), '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /iterations 30\.\.40/);
  }
});
