/**
 * The kernel autotuner: times every product blocking (./blocking.ts) of one or more kernel sets on the
 * products one training iteration of a network calls (../product-shapes.ts), and returns the fastest
 * blocking per set with the timings it decided on.
 *
 * Safe by construction: every blocking of a set gives the same bits (./assembly/kernels.ts), so the
 * choice changes speed only. Choosing between kernel SETS (wasm, wasm-fma) does change the bits; this
 * module only measures them, the caller decides (../blocking-choice.ts: only on request).
 *
 * Method: all candidates run over one shared memory on the same operands. A batch is one iteration's
 * calls of one kernel (gemv or gemmnt) at every shape, scaled so that a batch takes about `batchMs`;
 * every candidate is warmed up (V8 compiles WebAssembly lazily and tiers up), then timed in `rounds`
 * rounds, interleaved in a rotating order so that all see the same machine load. The median batch time,
 * scaled back to one iteration, is a candidate's cost. Wall time (performance.now): the batches are too
 * short for the process CPU clock's resolution, and the median over interleaved rounds discounts preemption.
 */
import { median } from '../../analysis/stats';
import type { Precision } from '../buffers';
import type { GemmntShape, GemvShape, ProductShapes } from '../product-shapes';
import { PAGE, WA } from './api';
import { Blocking, DEFAULT_BLOCKING, GEMMNT_BLOCKINGS, GEMV_BLOCKINGS, GemmntBlocking, GemvBlocking } from './blocking';
import { kernelModule } from './kernels';

export type WasmSet = 'wasm' | 'wasm-fma';

export interface SetTiming {
  /** the fastest blocking of this set */
  blocking: Blocking;
  /** milliseconds per training iteration of the gemv calls, per gemv blocking */
  gemvMs: Record<GemvBlocking, number>;
  /** the same for gemmnt */
  gemmntMs: Record<GemmntBlocking, number>;
  /** the best gemv plus the best gemmnt: this set's product time per iteration (what the other products and Adam add is not timed) */
  ms: number;
}

export interface TuneOptions {
  /** target length of one timed batch (default 2 ms) */
  batchMs?: number;
  /** interleaved rounds (default 7) */
  rounds?: number;
}

type Gemv = (R: number, K: number, w: number, ldw: number, x: number, y: number) => void;
type Gemmnt = (M: number, Nc: number, K: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number) => void;

interface Candidate { set: WasmSet; name: string; batch: (scale: number) => void }

const now = (): number => performance.now();

/** Calls per shape in a batch of `scale` iterations (at least one per shape). */
const repsOf = (calls: number, scale: number): number => Math.max(1, Math.round(calls * scale));

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
      gemv.push({ set, name, batch: (scale) => gemvBatch(f, shapes.gemv, scale, es, a, b, c) });
    }
    for (const name of GEMMNT_BLOCKINGS) {
      const f = ex[`gemmnt_${name}`] as Gemmnt;
      gemmnt.push({ set, name, batch: (scale) => gemmntBatch(f, shapes.gemmnt, scale, es, a, b, c) });
    }
  }
  return { gemv, gemmnt };
}

function gemvBatch(f: Gemv, shapes: GemvShape[], scale: number, es: number, a: number, b: number, c: number): void {
  for (const s of shapes) {
    const n = repsOf(s.calls, scale);
    for (let r = 0; r < n; r++) f(s.R, s.K, a, s.K * es, b, c);
  }
}

function gemmntBatch(f: Gemmnt, shapes: GemmntShape[], scale: number, es: number, a: number, b: number, c: number): void {
  for (const s of shapes) {
    const n = repsOf(s.calls, scale);
    for (let r = 0; r < n; r++) f(s.M, s.Nc, s.K, a, s.K * es, b, s.K * es, c, s.Nc * es);
  }
}

/** Milliseconds per iteration of each candidate: warm-up, one calibration, then interleaved rounds. */
function timeCandidates(cs: Candidate[], batchMs: number, rounds: number): number[] {
  for (const k of cs) for (let w = 0; w < 3; w++) k.batch(1);
  let t = now();
  cs[0].batch(1);
  const oneIteration = Math.max(now() - t, 1e-3);
  // never fewer calls than one iteration makes: a batch is at least one iteration's worth of each shape
  const scale = Math.max(1, batchMs / oneIteration);
  for (const k of cs) k.batch(scale);
  const times: number[][] = cs.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let q = 0; q < cs.length; q++) {
      const i = (q + r) % cs.length;
      t = now();
      cs[i].batch(scale);
      times[i].push((now() - t) / scale);
    }
  }
  return times.map(median);
}

/** The fastest blocking of each set in `sets` for the products `shapes`, with every candidate's time. */
export function tuneKernels(precision: Precision, sets: readonly WasmSet[], shapes: ProductShapes, o: TuneOptions = {}): Record<string, SetTiming> {
  const { memory, a, b, c } = operands(precision, shapes);
  const cs = candidates(precision, sets, shapes, memory, a, b, c);
  const batchMs = o.batchMs ?? 2;
  const rounds = o.rounds ?? 7;
  const gemvMs = timeCandidates(cs.gemv, batchMs, rounds);
  const gemmntMs = timeCandidates(cs.gemmnt, batchMs, rounds);
  const out: Record<string, SetTiming> = {};
  for (const set of sets) {
    const gv = Object.fromEntries(cs.gemv.map((k, i) => [k, gemvMs[i]] as const).filter(([k]) => k.set === set).map(([k, ms]) => [k.name, ms])) as Record<GemvBlocking, number>;
    const nt = Object.fromEntries(cs.gemmnt.map((k, i) => [k, gemmntMs[i]] as const).filter(([k]) => k.set === set).map(([k, ms]) => [k.name, ms])) as Record<GemmntBlocking, number>;
    const blocking: Blocking = { gemv: fastest(gv, DEFAULT_BLOCKING.gemv), gemmnt: fastest(nt, DEFAULT_BLOCKING.gemmnt) };
    out[set] = { blocking, gemvMs: gv, gemmntMs: nt, ms: gv[blocking.gemv] + nt[blocking.gemmnt] };
  }
  return out;
}

/** The key with the smallest time; ties go to the default, the blocking with the longest record. */
function fastest<K extends string>(ms: Record<K, number>, fallback: K): K {
  let best = fallback;
  for (const k of Object.keys(ms) as K[]) if (ms[k] < ms[best]) best = k;
  return best;
}
