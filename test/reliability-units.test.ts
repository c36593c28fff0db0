/**
 * The small promises behind the command line's reliability, tested at their source: temporary names
 * within NAME_MAX, stale temporary files cleaned, a 0-byte sweep result not taken for a result, the
 * greedy limit of a vanishing temperature, the divergence criteria, and the up-front memory estimate
 * against what the engine really allocates.
 */
import { cellSpec } from '../src/lstm/cell-spec';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanStaleTemps, NAME_MAX_BYTES, tempName, writeFileAtomic } from '../src/io/atomic';
import { prepareOutputDir, prepareOutputFile } from '../src/io/places';
import { UserError } from '../src/errors';
import { isComplete, runJobs, SweepJob } from '../src/sweep/sweep';
import { Lstm } from '../src/lstm/network';
import { Rng } from '../src/lstm/rng';
import { generateIds } from '../src/lstm/sample';
import { arraysProblem, healthyLoss, lossLimit, lossProblem, PARAM_LIMIT } from '../src/lstm/divergence';
import { trainingBytes, workspaceElements } from '../src/lstm/limits';
import { paramLayout } from '../src/lstm/layout';
import { weatherBytes } from '../src/studies/weather/limits';
import { ARENA_MAX_BYTES, arenaCapacity, WasmBackend } from '../src/lstm/wasm/backend';
import { WeatherNet, WeatherWorkspace } from '../src/studies/weather/model';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'lstm-opt-units-'));

test('temporary names stay within NAME_MAX for long ASCII and multi-byte file names, and writes succeed', () => {
  const dir = tmp();
  for (const name of ['a'.repeat(255), 'é'.repeat(127) + 'x', '😀'.repeat(63) + 'abc', 'short.csv']) {
    assert.ok(Buffer.byteLength(name) <= NAME_MAX_BYTES);
    const t = tempName(name);
    assert.ok(Buffer.byteLength(t) <= NAME_MAX_BYTES, `${Buffer.byteLength(t)} bytes`);
    assert.ok(!t.includes('\uFFFD'), 'no broken code point');
    writeFileAtomic(join(dir, name), 'content\n');
    assert.equal(readFileSync(join(dir, name), 'utf8'), 'content\n');
  }
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
});

test('cleanStaleTemps removes temporary files of dead writers only', () => {
  const dir = tmp();
  const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
  const stale = tempName('a'.repeat(250), dead, 1);
  const live = tempName('model.bin', process.pid, 2);
  writeFileSync(join(dir, stale), 'x');
  writeFileSync(join(dir, live), 'x');
  writeFileSync(join(dir, 'model.bin.tmp'), 'not ours');
  assert.deepEqual(cleanStaleTemps(dir), [stale]);
  assert.deepEqual(readdirSync(dir).sort(), [live, 'model.bin.tmp'].sort());
  assert.deepEqual(cleanStaleTemps(join(dir, 'missing')), []);
});

test('sweeps: a 0-byte result file does not make a job complete; the job runs again', async () => {
  const dir = tmp();
  const files = [join(dir, 'a.csv'), join(dir, 'b.csv')];
  writeFileSync(files[0], 'x,y\n');
  writeFileSync(files[1], '');
  assert.equal(isComplete({ files }), false);
  let ran = 0;
  const job: SweepJob = { label: 'j', files, work: 1, async run(tick) { ran++; tick(1); return ['a\n', 'b\n']; } };
  // a kill mid-write left a temporary file of a process that is gone: the sweep removes it
  const stale = join(dir, tempName('b.csv', spawnSync(process.execPath, ['-e', '0']).pid!, 7));
  writeFileSync(stale, 'half');
  const r = await runJobs([job], { name: 't', quiet: true });
  assert.deepEqual(readdirSync(dir).sort(), ['a.csv', 'b.csv']);
  assert.deepEqual(r.ran, ['j']);
  assert.equal(ran, 1);
  assert.equal(readFileSync(files[1], 'utf8'), 'b\n');
  assert.equal(isComplete({ files }), true);
});

test('a vanishing temperature (1e-320, where 1/T is infinite) samples the greedy sequence, no NaN', () => {
  const net = new Lstm({ vocabSize: 7, layers: 2, neurons: 9, cell: cellSpec('tanh'), precision: 'f64', seed: 5 });
  // the reference, computed here independently: feed the start id, then always the most likely next one
  const ws = net.workspace(1);
  const ref: number[] = [];
  ws.resetState();
  let id = 2;
  for (let n = 0; n < 24; n++) {
    ws.inputs[0] = id;
    net.forward(ws);
    ws.carryState();
    let best = 0;
    for (let v = 1; v < 7; v++) if (ws.probs[v] > ws.probs[best]) best = v;
    ref.push(best);
    id = best;
  }
  for (const temperature of [1e-320, 5e-324, 1e-300]) {
    const ids = generateIds(net, { chars: 24, temperature, prime: [], rng: new Rng(1), startId: 2 });
    assert.deepEqual([...ids], ref, `temperature ${temperature}`);
  }
});

test('divergence criteria: non-finite or exploding loss, non-finite or exploding parameters and moments', () => {
  const V = 58;
  assert.equal(lossProblem(Math.log(V), V), undefined);
  assert.equal(lossProblem(30, V), undefined);
  assert.match(lossProblem(NaN, V)!, /NaN/);
  assert.match(lossProblem(Infinity, V)!, /Infinity/);
  assert.match(lossProblem(1e300, V)!, /exploded/);
  assert.ok(lossLimit(V) > 10 * Math.log(V) - 1e-9 && lossLimit(2) >= 20);
  assert.equal(healthyLoss(lossLimit(V) / 2, V), true);
  assert.equal(healthyLoss(lossLimit(V) / 2 + 1e-9, V), false);
  const p = new Float64Array([0.1, -3, 2]);
  assert.equal(arraysProblem(p, [new Float64Array(3)]), undefined);
  assert.match(arraysProblem(new Float64Array([0, PARAM_LIMIT * 2]))!, /parameter 1 exploded/);
  assert.match(arraysProblem(new Float32Array([0, NaN]))!, /parameter 1 became NaN/);
  assert.match(arraysProblem(p, [new Float64Array([0, Infinity])])!, /Adam moment/);
});

test('an arena refuses to grow past ARENA_MAX_BYTES (offsets stay below 2^31) before allocating', () => {
  assert.equal(arenaCapacity(1 << 20), 2 ** 30);
  assert.equal(arenaCapacity(2 ** 30), ARENA_MAX_BYTES);
  const arena = WasmBackend.create('f64', 1 << 20);
  assert.throws(() => arena.alloc(ARENA_MAX_BYTES / 8 + 1), RangeError);
  assert.ok(arena.memory.buffer.byteLength < 2 ** 24, 'nothing was allocated by the refused request');
  assert.equal(arena.alloc(10).length, 10);
});

test('the up-front memory estimate covers what a network, its Adam moments and its workspaces allocate', () => {
  for (const [V, L, N, T, precision] of [[58, 2, 40, 30, 'f64'], [7, 3, 17, 5, 'f32'], [300, 1, 8, 100, 'f64']] as const) {
    const net = new Lstm({ vocabSize: V, layers: L, neurons: N, cell: cellSpec('tanh'), precision, kernels: 'js' });
    const es = precision === 'f64' ? 8 : 4;
    const bytes = (a: { byteLength: number }[]): number => a.reduce((s, x) => s + x.byteLength, 0);
    const count = (T2: number): number => {
      const ws = net.workspace(T2);
      const floats = [...ws.z, ...ws.c, ...ws.h, ...ws.tc, ws.probs, ws.dz, ws.dhA, ws.dhB, ws.dc, ws.dzT, ws.xT, ws.wT, ws.yT];
      assert.equal(bytes(floats), workspaceElements(V, L, N, T2) * es, `workspace ${V} ${L}x${N} T=${T2}`);
      return bytes(floats) + ws.inputs.byteLength + ws.targets.byteLength + ws.stepLoss.byteLength;
    };
    const real = 4 * paramLayout(V, L, N).size * es + count(T) + count(1);
    const estimate = trainingBytes({ vocabSize: V, layers: L, neurons: N, precision, window: T });
    assert.ok(estimate >= real && estimate < real + 4096, `estimate ${estimate} vs allocated ${real}`);
  }
  // the weather net: params, grads, m, v and one workspace
  const net = new WeatherNet({ neurons: 13, cell: cellSpec('isru'), window: 7, kernels: 'js' });
  const ws = new WeatherWorkspace(net, 5);
  const arrays = [net.params, net.grads, net.m, net.v, ws.x, ws.y, ws.xT, ws.z, ws.c, ws.h, ws.tc, ws.logit, ws.p, ws.dz, ws.dzT, ws.dh, ws.hT, ws.dc, ws.whT];
  const real = arrays.reduce((s, a) => s + a.byteLength, 0);
  const estimate = weatherBytes(13, 5, 7);
  assert.ok(estimate >= real && estimate < real + 1024, `weather estimate ${estimate} vs allocated ${real}`);
});

test('output places: created and proven writable, with one-line errors naming the flag; nothing left behind', () => {
  const dir = tmp();
  prepareOutputDir(join(dir, 'a', 'b'), '--save');
  prepareOutputFile(join(dir, 'c', 'progress.csv'), '--progress');
  assert.deepEqual(readdirSync(dir).sort(), ['a', 'c']);
  assert.deepEqual(readdirSync(join(dir, 'a', 'b')), []);
  assert.deepEqual(readdirSync(join(dir, 'c')), []);
  writeFileSync(join(dir, 'f'), 'x');
  const oneLine = (flag: string, pattern: RegExp) => (e: unknown) => e instanceof UserError && e.message.startsWith(flag) && pattern.test(e.message) && !e.message.includes('\n');
  assert.throws(() => prepareOutputDir(join(dir, 'f'), '--out'), oneLine('--out', /is a file, not a folder/));
  assert.throws(() => prepareOutputDir(join(dir, 'f', 'sub'), '--save'), oneLine('--save', /cannot be created: a part of the path is a file/));
  assert.throws(() => prepareOutputFile(join(dir, 'a'), '--progress'), oneLine('--progress', /is a folder, not a file/));
  // a parent that can never be created (Node's own recursive mkdir retries this one forever)
  assert.throws(() => prepareOutputDir('/proc/self/no-such/x', '--save'), oneLine('--save', /cannot be created/));
});
