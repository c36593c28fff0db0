/**
 * The kernel autotuner: times every product blocking (./blocking.ts) of one or more kernel sets on the
 * products one training iteration of a network calls (../product-shapes.ts), and returns the fastest
 * blocking per set with the timings it decided on.
 *
 * Safe by construction: every blocking of a set gives the same bits (./assembly/dense-kernels.ts), so the
 * choice changes speed only. Choosing between kernel SETS (wasm, wasm-fma) does change the bits; this
 * module only measures them, the caller decides (../blocking-choice.ts: only on request).
 *
 * Method: all candidates run over one shared memory on the same operands. Per shape, every candidate runs
 * one untimed batch (V8 compiles WebAssembly lazily and tiers up), then is timed in `rounds` batches of about
 * `batchMs`, interleaved in a rotating order so that all see the same machine load. A candidate's cost is
 * its median time per call times the calls per iteration, summed over the shapes. The time is the
 * process's CPU time (microsecond resolution on Node), which a busy machine distorts far less than wall time.
 */
import type { GemvExport as Gemv, ProductExport as Gemmnt } from './exports';
import { median } from '../../stats/stats';
import type { Precision } from '../buffers';
import type { GemmntShape, GemvShape, ProductShapes } from '../product-shapes';
import { PAGE, WA } from './api';
import { Blocking, DEFAULT_BLOCKING, GEMMNT_BLOCKINGS, GEMV_BLOCKINGS, GemmntBlocking, GemvBlocking } from './blocking';
import { kernelModule } from './kernels';

export type WasmSet = 'wasm' | 'wasm-fma';

export interface SetTiming {
  /** the fastest blocking of this set */
  blocking: Blocking;
  /** milliseconds (process CPU time) per training iteration of the gemv calls, per gemv blocking */
  gemvMs: Record<GemvBlocking, number>;
  /** the same for gemmnt */
  gemmntMs: Record<GemmntBlocking, number>;
  /** the best gemv plus the best gemmnt: this set's product time per iteration (what the other products and Adam add is not timed) */
  ms: number;
  /** the same batches' wall time (ms per iteration), for reports: what a busy machine inflates */
  wallMs: { gemv: Record<GemvBlocking, number>; gemmnt: Record<GemmntBlocking, number> };
}

export interface TuneOptions {
  /** target length of one timed batch (default 1 ms; at least one call) */
  batchMs?: number;
  /** interleaved rounds (default 7) */
  rounds?: number;
}


/** One candidate (a set's blocking of one kernel): `call(s)` makes one call at shape number s. */
interface Candidate { set: WasmSet; name: string; call: (shape: number) => void }

/** Milliseconds of this process's CPU time, where Node can tell; undefined elsewhere. */
const cpuNow: () => number | undefined = typeof process !== 'undefined' && typeof process.cpuUsage === 'function'
  ? () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e3;
  }
  : () => undefined;

/**
 * Operands for every shape in one shared memory: A, B and C regions as large as the largest shape needs,
 * filled with small non-zero values (no zeros or subnormals to take a different path through the FPU).
 */
function operands(precision: Precision, shapes: ProductShapes): { memory: object; a: number; b: number; c: number } {
  const es = precision === 'f64' ? 8 : 4;
  const aLen = Math.max(...shapes.gemv.map((s) => s.R * s.K), ...shapes.gemmnt.map((s) => s.M * s.K));
  const bLen = Math.max(...shapes.gemv.map((s) => s.K), ...shapes.gemmnt.map((s) => s.Nc * s.K));
  const cLen = Math.max(...shapes.gemv.map((s) => s.R), ...shapes.gemmnt.map((s) => s.M * s.Nc));
  const align = (n: number): number => Math.ceil(n / 64) * 64;
  const a = 0, b = align(aLen * es), c = b + align(bLen * es), end = c + align(cLen * es);
  const pages = Math.ceil(end / PAGE) + 1;
  const memory = new WA!.Memory({ initial: pages, maximum: pages, shared: true });
  const view = precision === 'f64' ? new Float64Array(memory.buffer, 0, end / es) : new Float32Array(memory.buffer, 0, end / es);
  for (let i = 0; i < view.length; i++) view[i] = ((i * 7919) % 1000) / 20000 + 0.001;
  return { memory, a, b, c };
}

function candidates(precision: Precision, sets: readonly WasmSet[], shapes: ProductShapes, memory: object, a: number, b: number, c: number): { gemv: Candidate[]; gemmnt: Candidate[] } {
  const es = precision === 'f64' ? 8 : 4;
  const gemv: Candidate[] = [];
  const gemmnt: Candidate[] = [];
  for (const set of sets) {
    const module = kernelModule(precision, set === 'wasm-fma');
    if (!module) throw new Error(`kernel set ${set} is not available in this runtime`);
    const ex = new WA!.Instance(module, { env: { memory } }).exports;
    for (const name of GEMV_BLOCKINGS) {
      const f = ex[`gemv_${name}`] as Gemv;
      gemv.push({ set, name, call: (i) => gemvCall(f, shapes.gemv[i], es, a, b, c) });
    }
    for (const name of GEMMNT_BLOCKINGS) {
      const f = ex[`gemmnt_${name}`] as Gemmnt;
      gemmnt.push({ set, name, call: (i) => gemmntCall(f, shapes.gemmnt[i], es, a, b, c) });
    }
  }
  return { gemv, gemmnt };
}

const gemvCall = (f: Gemv, s: GemvShape, es: number, a: number, b: number, c: number): void => f(s.R, s.K, a, s.K * es, b, c);
const gemmntCall = (f: Gemmnt, s: GemmntShape, es: number, a: number, b: number, c: number): void => f(s.M, s.Nc, s.K, a, s.K * es, b, s.K * es, c, s.Nc * es);

interface Times { cpu: number; wall: number }

/**
 * Milliseconds of `reps` calls of a candidate at one shape: `cpu` is the process's CPU time (a batch
 * preempted by another process on a busy machine loses wall time, not CPU time) where Node can tell, else
 * the wall time.
 */
function timeCalls(k: Candidate, shape: number, reps: number): Times {
  const c = cpuNow();
  const t = performance.now();
  for (let r = 0; r < reps; r++) k.call(shape);
  const wall = performance.now() - t;
  const c1 = cpuNow();
  return { cpu: c === undefined || c1 === undefined ? wall : c1 - c, wall };
}

/**
 * Milliseconds per training iteration of each candidate: per shape, a warm-up, a calibration of the calls
 * that take about `batchMs`, then `rounds` interleaved rounds; the median time per call times the calls an
 * iteration makes, summed over the shapes.
 */
function timeCandidates(cs: Candidate[], calls: readonly number[], batchMs: number, rounds: number): Times[] {
  const total = cs.map(() => ({ cpu: 0, wall: 0 }));
  calls.forEach((perIteration, shape) => {
    timeCalls(cs[0], shape, 2);
    const reps = Math.max(1, Math.round(batchMs / Math.max(timeCalls(cs[0], shape, 1).wall, 1e-3)));
    // a whole batch each first: V8 compiles WebAssembly lazily and moves hot functions to its optimising tier
    for (const k of cs) timeCalls(k, shape, reps);
    const cpu: number[][] = cs.map(() => []), wall: number[][] = cs.map(() => []);
    for (let r = 0; r < rounds; r++) {
      for (let q = 0; q < cs.length; q++) {
        const i = (q + r) % cs.length;
        const t = timeCalls(cs[i], shape, reps);
        cpu[i].push(t.cpu / reps);
        wall[i].push(t.wall / reps);
      }
    }
    cs.forEach((_, i) => {
      total[i].cpu += median(cpu[i]) * perIteration;
      total[i].wall += median(wall[i]) * perIteration;
    });
  });
  return total;
}

/** The fastest blocking of each set in `sets` for the products `shapes`, with every candidate's time. */
export function tuneKernels(precision: Precision, sets: readonly WasmSet[], shapes: ProductShapes, o: TuneOptions = {}): Record<string, SetTiming> {
  const { memory, a, b, c } = operands(precision, shapes);
  const cs = candidates(precision, sets, shapes, memory, a, b, c);
  const batchMs = o.batchMs ?? 1;
  const rounds = o.rounds ?? 7;
  const gemvTimes = timeCandidates(cs.gemv, shapes.gemv.map((s) => s.calls), batchMs, rounds);
  const gemmntTimes = timeCandidates(cs.gemmnt, shapes.gemmnt.map((s) => s.calls), batchMs, rounds);
  // one set's times of one kernel, by blocking name
  const of = <K extends string>(list: Candidate[], times: Times[], set: WasmSet, clock: keyof Times): Record<K, number> =>
    Object.fromEntries(list.map((k, i) => [k, times[i][clock]] as const).filter(([k]) => k.set === set).map(([k, ms]) => [k.name, ms])) as Record<K, number>;
  const out: Record<string, SetTiming> = {};
  for (const set of sets) {
    const gv = of<GemvBlocking>(cs.gemv, gemvTimes, set, 'cpu');
    const nt = of<GemmntBlocking>(cs.gemmnt, gemmntTimes, set, 'cpu');
    const blocking: Blocking = { gemv: fastest(gv, DEFAULT_BLOCKING.gemv), gemmnt: fastest(nt, DEFAULT_BLOCKING.gemmnt) };
    const wallMs = { gemv: of<GemvBlocking>(cs.gemv, gemvTimes, set, 'wall'), gemmnt: of<GemmntBlocking>(cs.gemmnt, gemmntTimes, set, 'wall') };
    out[set] = { blocking, gemvMs: gv, gemmntMs: nt, ms: gv[blocking.gemv] + nt[blocking.gemmnt], wallMs };
  }
  return out;
}

/**
 * A blocking must beat the default by this fraction (of its kernel's time) to replace it: closer than that
 * is within the noise of a few milliseconds of timing on a busy machine, and whole training iterations did
 * not resolve such differences at all (docs/decisions/029-kernel-blockings.md); the default is the blocking
 * with the longest record.
 */
export const MARGIN = 0.05;

/** The key with the smallest time, if it beats `fallback` by MARGIN; else `fallback`. */
function fastest<K extends string>(ms: Record<K, number>, fallback: K): K {
  let best = fallback;
  for (const k of Object.keys(ms) as K[]) if (ms[k] < ms[best]) best = k;
  return ms[best] < ms[fallback] * (1 - MARGIN) ? best : fallback;
}
