/**
 * Does a backward without a square root pay? (a measurement, not a test)
 *
 * The ISRU cell's backward takes isru' = (1 - y²)^{3/2} from the stored output y: one square root per
 * element, twice per neuron and step (candidate g and cell output). The forward already computes
 * r = 1/sqrt(1 + x²), and isru' = r³; keeping r in the kernels' `keep` buffer turns the backward's square
 * roots into two multiplications, at the price of a store per value in the forward and a load in the
 * backward. The ISRU-sigmoid gate is the same story three times per neuron and step, with
 * q = 1/sqrt(4 + x²) and isru-sigmoid' = 2q³.
 *
 *   node dist/dev/isru-keep.js [--rounds 21] [--neurons 100,256]
 *
 * Variants (the first of each cell is the baseline of its ratios):
 *   stored     the engine's kernels (src/lstm/cell.ts): every derivative from the stored outputs
 *   keep       ISRU cell, sigmoid gates: r of g and of c kept, backward r³
 *   keepgates  ISRU-sigmoid gates: q of f, i, o kept, backward 2q³; the cell's derivatives from its outputs
 *   keepall    ISRU cell with ISRU-sigmoid gates: q and r kept, no square root left in the backward
 * The kept forms compute x·(1/sqrt(·)) instead of x/sqrt(·), so their values may differ from 'stored'
 * in the last bit. (keepgates is one closure per cell activation: written once, measured twice.)
 *
 * Two levels, each INTERLEAVED (every round times each variant once, in rotating order, so all see the
 * same machine load) and reported as the median over rounds of the per-round ratio to the baseline,
 * with its min and max, in process CPU time and wall time:
 *   kernel   the point-wise loop alone over a window of T = 100 steps (forward, then backward)
 *   network  forward and backward of a whole 2-layer network on one window (WebAssembly products where
 *            the runtime has SIMD), the share the point-wise part has in a real step
 * It also prints the largest relative difference of the variants' gradients, to show they compute
 * the same thing.
 */
import { Command } from 'commander';
import { median } from '../src/stats/stats';
import type { Float } from '../src/lstm/buffers';
import { CellKernels, cellKernels, cellSpec, GateActivation, KEEP_ROWS } from '../src/lstm/cell';
import { Lstm } from '../src/lstm/network';
import { Rng } from '../src/lstm/rng';

const T = 100;

// ------------------------------------------------------------------ the keep variants

/** ISRU cell, sigmoid gates; keep rows 2 (g) and 4 (c) hold r = 1/sqrt(1 + x²). */
function forwardIsruKeep(N: number, t: number, z: Float, c: Float, h: Float, tc: Float, keep: Float, j0: number, j1: number): void {
  const zf = t * 4 * N, zi = zf + N, zg = zi + N, zo = zg + N;
  const kg = t * KEEP_ROWS * N + 2 * N, kc = kg + 2 * N;
  const cp = t * N, cn = cp + N;
  for (let j = j0; j < j1; j++) {
    const f = 1 / (1 + Math.exp(-z[zf + j]));
    const i = 1 / (1 + Math.exp(-z[zi + j]));
    const xg = z[zg + j];
    const rg = 1 / Math.sqrt(1 + xg * xg);
    const g = xg * rg;
    const o = 1 / (1 + Math.exp(-z[zo + j]));
    z[zf + j] = f; z[zi + j] = i; z[zg + j] = g; z[zo + j] = o;
    keep[kg + j] = rg;
    const cv = f * c[cp + j] + i * g;
    c[cn + j] = cv;
    const rc = 1 / Math.sqrt(1 + cv * cv);
    keep[kc + j] = rc;
    const y = cv * rc;
    tc[cp + j] = y;
    h[cn + j] = o * y;
  }
}

function backwardIsruKeep(N: number, t: number, z: Float, c: Float, tc: Float, keep: Float, dh: Float, dc: Float, dz: Float, j0: number, j1: number): void {
  const zf = t * 4 * N, zi = zf + N, zg = zi + N, zo = zg + N;
  const kg = t * KEEP_ROWS * N + 2 * N, kc = kg + 2 * N;
  const row = t * N;
  for (let j = j0; j < j1; j++) {
    const f = z[zf + j], i = z[zi + j], g = z[zg + j], o = z[zo + j];
    const y = tc[row + j];
    const d = dh[row + j];
    const rc = keep[kc + j], rg = keep[kg + j];
    const dcv = dc[j] + d * o * (rc * rc * rc);
    dz[zf + j] = dcv * c[row + j] * f * (1 - f);
    dz[zi + j] = dcv * g * i * (1 - i);
    dz[zg + j] = dcv * i * (rg * rg * rg);
    dz[zo + j] = d * y * o * (1 - o);
    dc[j] = dcv * f;
  }
}

/** ISRU cell, ISRU-sigmoid gates; keep rows [f; i; g; o; c] hold q = 1/sqrt(4 + x²) (gates) and r (g, c). */
function forwardAllIsruKeep(N: number, t: number, z: Float, c: Float, h: Float, tc: Float, keep: Float, j0: number, j1: number): void {
  const zf = t * 4 * N, zi = zf + N, zg = zi + N, zo = zg + N;
  const kf = t * KEEP_ROWS * N, ki = kf + N, kg = ki + N, ko = kg + N, kc = ko + N;
  const cp = t * N, cn = cp + N;
  for (let j = j0; j < j1; j++) {
    const xf = z[zf + j], xi = z[zi + j], xg = z[zg + j], xo = z[zo + j];
    const qf = 1 / Math.sqrt(4 + xf * xf), qi = 1 / Math.sqrt(4 + xi * xi), qo = 1 / Math.sqrt(4 + xo * xo);
    const rg = 1 / Math.sqrt(1 + xg * xg);
    const f = 0.5 + 0.5 * (xf * qf), i = 0.5 + 0.5 * (xi * qi), g = xg * rg, o = 0.5 + 0.5 * (xo * qo);
    z[zf + j] = f; z[zi + j] = i; z[zg + j] = g; z[zo + j] = o;
    keep[kf + j] = qf; keep[ki + j] = qi; keep[kg + j] = rg; keep[ko + j] = qo;
    const cv = f * c[cp + j] + i * g;
    c[cn + j] = cv;
    const rc = 1 / Math.sqrt(1 + cv * cv);
    keep[kc + j] = rc;
    const y = cv * rc;
    tc[cp + j] = y;
    h[cn + j] = o * y;
  }
}

function backwardAllIsruKeep(N: number, t: number, z: Float, c: Float, tc: Float, keep: Float, dh: Float, dc: Float, dz: Float, j0: number, j1: number): void {
  const zf = t * 4 * N, zi = zf + N, zg = zi + N, zo = zg + N;
  const kf = t * KEEP_ROWS * N, ki = kf + N, kg = ki + N, ko = kg + N, kc = ko + N;
  const row = t * N;
  for (let j = j0; j < j1; j++) {
    const f = z[zf + j], i = z[zi + j], g = z[zg + j], o = z[zo + j];
    const y = tc[row + j];
    const d = dh[row + j];
    const rc = keep[kc + j], rg = keep[kg + j], qf = keep[kf + j], qi = keep[ki + j], qo = keep[ko + j];
    const dcv = dc[j] + d * o * (rc * rc * rc);
    dz[zf + j] = dcv * c[row + j] * (2 * qf * qf * qf);
    dz[zi + j] = dcv * g * (2 * qi * qi * qi);
    dz[zg + j] = dcv * i * (rg * rg * rg);
    dz[zo + j] = d * y * (2 * qo * qo * qo);
    dc[j] = dcv * f;
  }
}

/** ISRU-sigmoid gates keep q = 1/sqrt(4 + x²) (rows f, i, o); the cell's derivatives come from its outputs. */
function forwardGatesKeep(isruCell: boolean) {
  return function (N: number, t: number, z: Float, c: Float, h: Float, tc: Float, keep: Float, j0: number, j1: number): void {
    const zf = t * 4 * N, zi = zf + N, zg = zi + N, zo = zg + N;
    const kf = t * KEEP_ROWS * N, ki = kf + N, ko = ki + 2 * N;
    const cp = t * N, cn = cp + N;
    for (let j = j0; j < j1; j++) {
      const xf = z[zf + j], xi = z[zi + j], xg = z[zg + j], xo = z[zo + j];
      const qf = 1 / Math.sqrt(4 + xf * xf), qi = 1 / Math.sqrt(4 + xi * xi), qo = 1 / Math.sqrt(4 + xo * xo);
      const f = 0.5 + 0.5 * (xf * qf), i = 0.5 + 0.5 * (xi * qi), o = 0.5 + 0.5 * (xo * qo);
      const g = isruCell ? xg / Math.sqrt(1 + xg * xg) : Math.tanh(xg);
      z[zf + j] = f; z[zi + j] = i; z[zg + j] = g; z[zo + j] = o;
      keep[kf + j] = qf; keep[ki + j] = qi; keep[ko + j] = qo;
      const cv = f * c[cp + j] + i * g;
      c[cn + j] = cv;
      const y = isruCell ? cv / Math.sqrt(1 + cv * cv) : Math.tanh(cv);
      tc[cp + j] = y;
      h[cn + j] = o * y;
    }
  };
}

function backwardGatesKeep(isruCell: boolean) {
  return function (N: number, t: number, z: Float, c: Float, tc: Float, keep: Float, dh: Float, dc: Float, dz: Float, j0: number, j1: number): void {
    const zf = t * 4 * N, zi = zf + N, zg = zi + N, zo = zg + N;
    const kf = t * KEEP_ROWS * N, ki = kf + N, ko = ki + 2 * N;
    const row = t * N;
    for (let j = j0; j < j1; j++) {
      const f = z[zf + j], i = z[zi + j], g = z[zg + j], o = z[zo + j];
      const y = tc[row + j];
      const d = dh[row + j];
      const qf = keep[kf + j], qi = keep[ki + j], qo = keep[ko + j];
      const uy = 1 - y * y, ug = 1 - g * g;
      const dcv = dc[j] + d * o * (isruCell ? uy * Math.sqrt(uy) : uy);
      dz[zf + j] = dcv * c[row + j] * (2 * qf * qf * qf);
      dz[zi + j] = dcv * g * (2 * qi * qi * qi);
      dz[zg + j] = dcv * i * (isruCell ? ug * Math.sqrt(ug) : ug);
      dz[zo + j] = d * y * (2 * qo * qo * qo);
      dc[j] = dcv * f;
    }
  };
}


// ------------------------------------------------------------------ timing

interface Clock { cpu: number; wall: number }

function clock(): Clock {
  const u = process.cpuUsage();
  return { cpu: (u.user + u.system) / 1e6, wall: Number(process.hrtime.bigint()) / 1e9 };
}

function since(a: Clock): Clock {
  const b = clock();
  return { cpu: b.cpu - a.cpu, wall: b.wall - a.wall };
}

type Phase = 'forward' | 'backward';
type Timing = Record<Phase, Clock>;

/** The point-wise loop over one window, repeated `windows` times; returns the seconds of each phase. */
function kernelWindow(k: CellKernels, N: number, windows: number, data: ReturnType<typeof kernelData>): Timing {
  const { z0, z, c, h, tc, keep, dh, dc, dz } = data;
  const out: Timing = { forward: { cpu: 0, wall: 0 }, backward: { cpu: 0, wall: 0 } };
  for (let w = 0; w < windows; w++) {
    z.set(z0);
    let a = clock();
    for (let t = 0; t < T; t++) k.forward(N, t, z, c, h, tc, keep, 0, N);
    let d = since(a);
    out.forward.cpu += d.cpu; out.forward.wall += d.wall;
    dc.fill(0);
    a = clock();
    for (let t = T - 1; t >= 0; t--) k.backward(N, t, z, c, tc, keep, dh, dc, dz, 0, N);
    d = since(a);
    out.backward.cpu += d.cpu; out.backward.wall += d.wall;
  }
  return out;
}

function kernelData(N: number) {
  const rng = new Rng(5);
  const fill = (n: number, scale: number): Float64Array => Float64Array.from({ length: n }, () => rng.uniform(scale));
  return {
    z0: fill(T * 4 * N, 3), z: new Float64Array(T * 4 * N), c: fill((T + 1) * N, 1), h: new Float64Array((T + 1) * N),
    tc: new Float64Array(T * N), keep: new Float64Array(T * KEEP_ROWS * N), dh: fill(T * N, 0.1), dc: new Float64Array(N), dz: new Float64Array(T * 4 * N),
  };
}

/** A 2-layer net whose backend hands out `kernels`; forward and backward of one window, `windows` times. */
function networkRunner(N: number, activation: 'tanh' | 'isru', gate: GateActivation, kernels: CellKernels): { run: (windows: number) => Timing; net: Lstm } {
  const net = new Lstm({ vocabSize: 98, layers: 2, neurons: N, cell: cellSpec(activation, gate), precision: 'f64', seed: 1 });
  (net.backend as { cell: unknown }).cell = () => kernels;
  const rng = new Rng(9);
  const ws = net.workspace(T);
  for (let t = 0; t < T; t++) {
    ws.inputs[t] = rng.nextU32() % 98;
    ws.targets[t] = rng.nextU32() % 98;
  }
  const run = (windows: number): Timing => {
    const out: Timing = { forward: { cpu: 0, wall: 0 }, backward: { cpu: 0, wall: 0 } };
    for (let w = 0; w < windows; w++) {
      ws.resetState();
      let a = clock();
      net.forward(ws);
      let d = since(a);
      out.forward.cpu += d.cpu; out.forward.wall += d.wall;
      a = clock();
      net.backward(ws);
      d = since(a);
      out.backward.cpu += d.cpu; out.backward.wall += d.wall;
    }
    return out;
  };
  return { run, net };
}

/** Runs every variant `rounds` times, rotating which goes first; returns the timings per variant. */
function interleave(rounds: number, runs: (() => Timing)[]): Timing[][] {
  for (const run of runs) run(); // warm-up: all optimised before the first timed round
  const out: Timing[][] = runs.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < runs.length; k++) {
      const v = (k + r) % runs.length;
      out[v].push(runs[v]());
    }
  }
  return out;
}

/** Ratios of every variant to the first, per phase and clock: median [min, max] over the rounds. */
function report(label: string, names: string[], res: Timing[][], unit: number): void {
  for (const phase of ['forward', 'backward'] as const) {
    for (const k of ['cpu', 'wall'] as const) {
      const base = res[0];
      const ms = median(base.map((s) => s[phase][k])) / unit * 1e3;
      const cells = names.slice(1).map((name, v) => {
        const ratios = base.map((s, r) => res[v + 1][r][phase][k] / s[phase][k]);
        return `${name}/${names[0]} ${median(ratios).toFixed(3)} [${Math.min(...ratios).toFixed(3)}, ${Math.max(...ratios).toFixed(3)}]`;
      });
      console.log(`${label.padEnd(34)} ${phase.padEnd(8)} ${k.padEnd(4)} ${names[0]} ${ms.toFixed(3)} ms | ${cells.join(' | ')}`);
    }
  }
}

interface Config { activation: 'tanh' | 'isru'; gate: GateActivation; variants: [string, CellKernels][] }

function configs(): Config[] {
  return [
    { activation: 'isru', gate: 'sigmoid', variants: [['stored', cellKernels(cellSpec('isru'))], ['keep', { forward: forwardIsruKeep, backward: backwardIsruKeep }]] },
    {
      activation: 'isru', gate: 'isru-sigmoid', variants: [
        ['stored', cellKernels(cellSpec('isru', 'isru-sigmoid'))],
        ['keepgates', { forward: forwardGatesKeep(true), backward: backwardGatesKeep(true) }],
        ['keepall', { forward: forwardAllIsruKeep, backward: backwardAllIsruKeep }],
      ],
    },
    {
      activation: 'tanh', gate: 'isru-sigmoid', variants: [
        ['stored', cellKernels(cellSpec('tanh', 'isru-sigmoid'))],
        ['keepgates', { forward: forwardGatesKeep(false), backward: backwardGatesKeep(false) }],
      ],
    },
  ];
}

function main(argv: string[]): void {
  const o = new Command('isru-keep')
    .option('--rounds <n>', 'interleaved rounds', (v) => Number(v), 21)
    .option('--neurons <list>', 'network sizes (neurons per layer)', (v) => v.split(',').map(Number), [100, 256])
    .parse(argv)
    .opts<{ rounds: number; neurons: number[] }>();
  console.log(`T = ${T}, ${o.rounds} rounds; milliseconds per window: median of the first variant; ratios: median [min, max] of the per-round ratios`);
  for (const cfg of configs()) {
    const names = cfg.variants.map(([n]) => n);
    const cell = `${cfg.activation}/${cfg.gate}`;
    for (const N of o.neurons) {
      const data = kernelData(N);
      const windows = Math.max(1, Math.round(2e6 / (T * N)));
      report(`kernel  ${cell} N=${N}`, names, interleave(o.rounds, cfg.variants.map(([, k]) => () => kernelWindow(k, N, windows, data))), windows);
    }
    for (const N of o.neurons) {
      const nets = cfg.variants.map(([, k]) => networkRunner(N, cfg.activation, cfg.gate, k));
      for (const n of nets) n.net.params.set(nets[0].net.params);
      for (const n of nets) n.run(1);
      const g0 = nets[0].net.grads;
      const windows = Math.max(1, Math.round(4e5 / (N * N)));
      report(`network 2x${N} ${cell}`, names, interleave(o.rounds, nets.map((n) => () => n.run(windows))), windows);
      for (const [v, n] of nets.entries()) {
        if (v === 0) continue;
        let worst = 0;
        for (let k = 0; k < g0.length; k++) worst = Math.max(worst, Math.abs(n.net.grads[k] - g0[k]) / Math.max(Math.abs(g0[k]), 1e-8));
        console.log(`${''.padEnd(34)} largest relative gradient difference ${names[v]} vs ${names[0]}: ${worst.toExponential(2)}`);
      }
    }
  }
}

main(process.argv);
