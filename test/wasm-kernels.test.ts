/**
 * The compiled WebAssembly kernels (src/lstm/wasm/assembly/dense-kernels.ts), called directly on a shared
 * memory, on random shapes that include zero rows, lengths below one vector, odd lengths and operands
 * at every alignment, in both precisions:
 *   - against the plain TypeScript kernels (src/lstm/kernels.ts, src/lstm/adam.ts), which sum in another
 *     order, within the textbook forward-error bound of a sum of products;
 *   - bit for bit against a model of their documented summation order (vector lanes, then the lanes
 *     left to right, then the scalar tail; one rounding per operation, Math.fround for f32). The
 *     engine's results are reproducible bit for bit only while this order holds: it is the order of
 *     the hand-assembled kernels these replaced, so training runs stay identical to earlier ones.
 * Nothing outside an output may change: every operand has guard elements that are compared too.
 *
 * Both kernel sets: the plain modules ('wasm') and the relaxed-SIMD ones ('wasm-fma'), whose model is the
 * same order with every multiply-add a + b·c rounded once (computed exactly, ./helpers/exact-fma.ts) —
 * or, on a CPU where relaxed_madd does not fuse, rounded twice like the plain set.
 */
import * as node from 'node:test';
import assert from 'node:assert/strict';
import type { Float, Precision } from '../src/lstm/buffers';
import { adamStepCoefficients, adamUpdate, DEFAULT_ADAM } from '../src/lstm/adam';
import { createBackend } from '../src/lstm/backend-select';
import { gemmNT, gemvN, transpose } from '../src/lstm/dense';
import { Rng } from '../src/lstm/rng';
import { readKernelBytes } from '../src/lstm/wasm/binaries';
import { GEMMNT_BLOCKINGS, GEMV_BLOCKINGS } from '../src/lstm/wasm/blocking';
import { kernelModule, kernelTarget } from '../src/lstm/wasm/kernels';
import { relaxedMaddFuses, relaxedSimdAvailable } from '../src/lstm/wasm/relaxed-simd';
import { fmaExact } from './helpers/exact-fma';
import { simdKernelNames } from '../src/lstm/cell-spec';
import { ACTIVATIONS, cellSpec, GATE_ACTIVATIONS } from '../src/lstm/cell';
import { KernelExports, KernelMemory, Operand, WA } from './helpers/wasm-kernels';

const PRECISIONS: Precision[] = ['f64', 'f32'];
const GUARD = 3;
/** Unit roundoff of the arithmetic the kernel runs in. */
const UNIT_ROUNDOFF: Record<Precision, number> = { f64: 2 ** -53, f32: 2 ** -24 };
const LANES: Record<Precision, number> = { f64: 2, f32: 4 };

const ROWS = [0, 1, 2, 3, 4, 5, 7, 9];
const DEPTHS = [0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 33, 100];

function pick<T>(rng: Rng, xs: T[]): T {
  return xs[Math.floor(rng.nextFloat() * xs.length)];
}
function int(rng: Rng, n: number): number {
  return Math.floor(rng.nextFloat() * n);
}

/** γ(n) = n·u / (1 - n·u): the relative forward-error bound of n rounded operations. */
function gamma(n: number, u: number): number {
  return (n * u) / (1 - n * u);
}

interface Shape { M: number; Nc: number; K: number }
/** The listed edge shapes, then random ones. */
function shapes(rng: Rng, random: number): Shape[] {
  const out: Shape[] = [
    { M: 0, Nc: 5, K: 7 }, { M: 3, Nc: 0, K: 7 }, { M: 3, Nc: 5, K: 0 }, { M: 1, Nc: 1, K: 1 },
    { M: 2, Nc: 4, K: 4 }, { M: 3, Nc: 5, K: 3 }, { M: 5, Nc: 9, K: 1 }, { M: 2, Nc: 8, K: 2 },
    // every tile of every blocking with each kind of edge: 8 + 4 + 1 rows, 4 + 1 and 2 + 1 columns
    { M: 13, Nc: 13, K: 9 }, { M: 12, Nc: 17, K: 17 }, { M: 7, Nc: 3, K: 33 },
  ];
  for (let t = 0; t < random; t++) out.push({ M: pick(rng, ROWS), Nc: pick(rng, ROWS), K: pick(rng, DEPTHS) });
  return out;
}

/** One multiply-add step s + a·b of a kernel set's model. */
type Madd = (s: number, a: number, b: number) => number;

/** A sum of products in the kernels' order: per-lane vector accumulators, lanes left to right, scalar tail. */
function laneDot(a: Float, ai: number, b: Float, bi: number, K: number, lanes: number, round: (x: number) => number, madd: Madd): number {
  const whole = K - (K % lanes);
  const acc = new Array<number>(lanes).fill(0);
  for (let k = 0; k < whole; k++) acc[k % lanes] = madd(acc[k % lanes], a[ai + k], b[bi + k]);
  let s = acc[0];
  for (let l = 1; l < lanes; l++) s = round(s + acc[l]);
  for (let k = whole; k < K; k++) s = madd(s, a[ai + k], b[bi + k]);
  return s;
}

function roundingOf(p: Precision): (x: number) => number {
  return p === 'f32' ? Math.fround : (x: number) => x;
}

/** The kernel sets under test: the plain modules, and the relaxed-SIMD ones where this runtime has relaxed SIMD. */
const SETS = [{ name: 'wasm', fma: false }, { name: 'wasm-fma', fma: true }] as const;

/** The multiply-add of a kernel set: the product rounded, then the sum; or fused (one rounding) where relaxed_madd fuses. */
function maddOf(p: Precision, fma: boolean): Madd {
  const round = roundingOf(p);
  if (fma && relaxedMaddFuses()) return (s, a, b) => fmaExact(a, b, s, p);
  return (s, a, b) => round(s + round(a * b));
}

function assertSameBits(got: Float, want: ArrayLike<number>, what: string): void {
  assert.equal(got.length, want.length, what);
  for (let x = 0; x < got.length; x++) assert.equal(got[x], want[x], `${what}: element ${x}`);
}

/** |got - want| <= bound[x] for every element (guards have bound 0). */
function assertWithin(got: Float, want: ArrayLike<number>, bound: ArrayLike<number>, what: string): void {
  for (let x = 0; x < got.length; x++) {
    assert.ok(Math.abs(got[x] - want[x]) <= bound[x], `${what}: element ${x}: ${got[x]} vs ${want[x]} (bound ${bound[x]})`);
  }
}

interface Setup { mem: KernelMemory; kernels: KernelExports }
/** What one product call must produce: the model's output, the TypeScript kernel's, and their allowed distance. */
interface Expected { initial: Float64Array; model: Float64Array; ts: Float64Array; bound: Float64Array }

/** Sets one output element's expectations: the model's value, and the K products the bound is taken over. */
type ElementSetter = (x: number, modelValue: number, K: number, product: (k: number) => number) => void;

/**
 * The expected outputs of a product that adds sums of products into `out`: `elements` gets the initial
 * values and visits every output element once; elements it does not visit must not change. `typescript`
 * runs the TypeScript kernel on a float64 copy.
 */
function expected(p: Precision, out: Float, elements: (initial: Float64Array, set: ElementSetter) => void, typescript: (ts: Float64Array) => void): Expected {
  const initial = Float64Array.from(out);
  const model = Float64Array.from(initial), ts = Float64Array.from(initial), bound = new Float64Array(initial.length);
  elements(initial, (x, modelValue, K, product) => {
    model[x] = modelValue;
    let absDot = 0;
    for (let k = 0; k < K; k++) absDot += Math.abs(product(k));
    bound[x] = dotBound(p, K, initial[x], absDot);
  });
  typescript(ts);
  return { initial, model, ts, bound };
}

/** Runs one call and compares its output with the model's and the TypeScript kernel's. */
function checkCall(s: Setup, out: Operand, e: Expected, what: string, call: (k: KernelExports) => void): void {
  call(s.kernels);
  assertSameBits(out.view, e.model, `${what} vs order model`);
  assertWithin(out.view, e.ts, e.bound, `${what} vs TypeScript kernel`);
}

type Gemv = KernelExports['gemv'];
type Product = KernelExports['gemmnt'];

/** A blocking's export (gemv_r8, gemmnt_4x2, ...) of an instance. */
function blocked<F>(k: KernelExports, name: string): F {
  const f = (k as unknown as Record<string, unknown>)[name];
  assert.equal(typeof f, 'function', `export ${name}`);
  return f as F;
}

function setup(p: Precision, fma: boolean): Setup {
  const mem = new KernelMemory(p);
  const mod = kernelModule(p, fma);
  assert.ok(mod, `no ${kernelTarget(p, fma)} kernel module in this runtime`);
  return { mem, kernels: mem.instantiate(mod) };
}

/** A random operand of rows x cols (row stride ld ≥ cols), and its float64 copy for the TypeScript kernels. */
function matrix(mem: KernelMemory, rng: Rng, rows: number, ld: number): Operand {
  return mem.alloc(rows * ld, int(rng, 4), GUARD, () => rng.uniform(1));
}

/** The bound on |kernel - TypeScript| for C[i, j] += Σ_k a_k b_k: both are within γ(K+1)·(|C| + Σ|a_k b_k|). */
function dotBound(p: Precision, K: number, c: number, absDot: number): number {
  return (gamma(K + 1, UNIT_ROUNDOFF[p]) + gamma(K + 1, UNIT_ROUNDOFF.f64)) * (Math.abs(c) + absDot);
}

/** The ids of a module's sections, in order (binary format: magic, version, then id + LEB128 size + body). */
function sectionIds(bytes: Uint8Array): number[] {
  const ids: number[] = [];
  let at = 8;
  while (at < bytes.length) {
    ids.push(bytes[at++]);
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[at++];
      size += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) break;
    }
    at += size;
  }
  return ids;
}

const START_SECTION = 8, DATA_SECTION = 11, DATA_COUNT_SECTION = 12;

for (const p of PRECISIONS) for (const set of SETS) {
  const round = roundingOf(p);
  const lanes = LANES[p];
  const { fma } = set;
  const madd = maddOf(p, fma);
  // the fma set needs relaxed SIMD; without it the test is reported as skipped, with the reason
  const test = (name: string, fn: () => void): void => {
    node.test(`${set.name} ${name}`, { skip: fma && !relaxedSimdAvailable() ? 'this runtime has no WebAssembly relaxed SIMD' : false }, fn);
  };

  test(`${p} kernel module: imports only env.memory (shared), exports gemv, gemmnt, gemmnn, adam, transpose, the point-wise cell kernels and activate`, () => {
    const mod = kernelModule(p, fma)!;
    assert.deepEqual(WA.Module.imports(mod), [{ module: 'env', name: 'memory', kind: 'memory' }]);
    const cells = ACTIVATIONS.flatMap((a) => GATE_ACTIVATIONS.map((g) => simdKernelNames(cellSpec(a, g, 'simd')))).flatMap((n) => [n.forward, n.backward]);
    const blockings = [...GEMV_BLOCKINGS.map((b) => `gemv_${b}`), ...GEMMNT_BLOCKINGS.map((b) => `gemmnt_${b}`)];
    const names = ['adam', 'gemmnn', 'gemmnt', 'gemv', 'transpose', 'activate', ...blockings, ...cells];
    assert.deepEqual(WA.Module.exports(mod).map((e) => `${e.name}:${e.kind}`).sort(), names.map((n) => `${n}:function`).sort());
  });

  test(`${p} transpose: the TypeScript transpose bit for bit (NaN, infinities and signed zeros included), guards untouched`, () => {
    const rng = new Rng(p === 'f64' ? 61 : 62);
    const s = setup(p, fma);
    const sizes = [0, 1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 33, 40];
    // special values a copy must keep as they are
    const special = [-0, Infinity, -Infinity, NaN];
    for (let trial = 0; trial < 80; trial++) {
      s.mem.reset();
      const rows = trial < sizes.length ? sizes[trial] : pick(rng, sizes), cols = pick(rng, sizes);
      const lds = cols + int(rng, 3), ldd = rows + int(rng, 3);
      const fill = (): number => (rng.nextFloat() < 0.05 ? pick(rng, special) : rng.uniform(1));
      const src = s.mem.alloc(rows * lds, int(rng, 4), GUARD, fill), dst = s.mem.alloc(cols * ldd, int(rng, 4), GUARD, fill);
      const want = Float64Array.from(dst.view);
      transpose(rows, cols, Float64Array.from(src.view), src.at, lds, want, dst.at, ldd);
      const srcBefore = Float64Array.from(src.view);
      s.kernels.transpose(rows, cols, src.addr, lds * s.mem.es, dst.addr, ldd * s.mem.es);
      assertSameBits(dst.view, want, `transpose ${rows}x${cols} lds=${lds} ldd=${ldd}`);
      assertSameBits(src.view, srcBefore, `transpose ${rows}x${cols}: source unchanged`);
    }
  });

  test(`${p} kernel module: no data segments and no start function, so instantiating it writes nothing into the shared memory`, () => {
    // A data segment would be copied into the network's memory at every instantiation (one per worker).
    const ids = sectionIds(readKernelBytes(kernelTarget(p, fma)));
    assert.ok(ids.length > 0);
    for (const id of [START_SECTION, DATA_SECTION, DATA_COUNT_SECTION]) assert.ok(!ids.includes(id), `section ${id} in ${ids.join(',')}`);
  });

  test(`${p} gemv, every blocking: TypeScript kernel within the error bound, summation-order model bit for bit`, () => {
    const rng = new Rng(p === 'f64' ? 21 : 22);
    const s = setup(p, fma);
    for (const { Nc: R, K } of shapes(rng, 120)) {
      s.mem.reset();
      const ldw = K + int(rng, 3);
      const W = matrix(s.mem, rng, R, ldw), x = matrix(s.mem, rng, 1, K), y = matrix(s.mem, rng, 1, R);
      const expect = expected(p, y.view, (initial, set) => {
        for (let j = 0; j < R; j++) {
          const sum = laneDot(W.view, W.at + j * ldw, x.view, x.at, K, lanes, round, madd);
          set(y.at + j, round(initial[y.at + j] + sum), K, (k) => W.view[W.at + j * ldw + k] * x.view[x.at + k]);
        }
      }, (ts) => gemvN(R, K, Float64Array.from(W.view), W.at, ldw, Float64Array.from(x.view), x.at, ts, y.at));
      checkCall(s, y, expect, `gemv R=${R} K=${K} ldw=${ldw}`, (k) => k.gemv(R, K, W.addr, ldw * s.mem.es, x.addr, y.addr));
      for (const b of GEMV_BLOCKINGS) {
        y.view.set(expect.initial);
        checkCall(s, y, expect, `gemv_${b} R=${R} K=${K} ldw=${ldw}`, (k) => blocked<Gemv>(k, `gemv_${b}`)(R, K, W.addr, ldw * s.mem.es, x.addr, y.addr));
      }
    }
  });

  test(`${p} gemmnt, every blocking: TypeScript kernel within the error bound, summation-order model bit for bit`, () => {
    const rng = new Rng(p === 'f64' ? 31 : 32);
    const s = setup(p, fma);
    for (const { M, Nc, K } of shapes(rng, 150)) {
      s.mem.reset();
      const lda = K + int(rng, 3), ldb = K + int(rng, 3), ldc = Nc + int(rng, 3);
      const A = matrix(s.mem, rng, M, lda), B = matrix(s.mem, rng, Nc, ldb), C = matrix(s.mem, rng, M, ldc);
      const expect = expected(p, C.view, (initial, set) => {
        for (let i = 0; i < M; i++) {
          for (let j = 0; j < Nc; j++) {
            const sum = laneDot(A.view, A.at + i * lda, B.view, B.at + j * ldb, K, lanes, round, madd);
            const x = C.at + i * ldc + j;
            set(x, round(initial[x] + sum), K, (k) => A.view[A.at + i * lda + k] * B.view[B.at + j * ldb + k]);
          }
        }
      }, (ts) => gemmNT(M, Nc, K, Float64Array.from(A.view), A.at, lda, Float64Array.from(B.view), B.at, ldb, ts, C.at, ldc));
      const es = s.mem.es;
      checkCall(s, C, expect, `gemmnt ${M}x${Nc}x${K} lda=${lda} ldb=${ldb} ldc=${ldc}`, (k) => k.gemmnt(M, Nc, K, A.addr, lda * es, B.addr, ldb * es, C.addr, ldc * es));
      for (const b of GEMMNT_BLOCKINGS) {
        C.view.set(expect.initial);
        checkCall(s, C, expect, `gemmnt_${b} ${M}x${Nc}x${K} lda=${lda} ldb=${ldb} ldc=${ldc}`, (k) => blocked<Product>(k, `gemmnt_${b}`)(M, Nc, K, A.addr, lda * es, B.addr, ldb * es, C.addr, ldc * es));
      }
    }
  });

  test(`${p} gemmnn: TypeScript kernel within the error bound, k-sequential model bit for bit`, () => {
    const rng = new Rng(p === 'f64' ? 41 : 42);
    const s = setup(p, fma);
    for (const { M, Nc, K } of shapes(rng, 150)) {
      s.mem.reset();
      const lda = K + int(rng, 3), ldb = Nc + int(rng, 3), ldc = Nc + int(rng, 3);
      const A = matrix(s.mem, rng, M, lda), B = matrix(s.mem, rng, K, ldb), C = matrix(s.mem, rng, M, ldc);
      const expect = expected(p, C.view, (initial, set) => {
        for (let i = 0; i < M; i++) {
          for (let j = 0; j < Nc; j++) {
            // ((C + A[i,0]·B[0,j]) + A[i,1]·B[1,j]) + ...: k in order, each step the set's multiply-add
            const product = (k: number): number => A.view[A.at + i * lda + k] * B.view[B.at + k * ldb + j];
            const x = C.at + i * ldc + j;
            let c = initial[x];
            for (let k = 0; k < K; k++) c = madd(c, A.view[A.at + i * lda + k], B.view[B.at + k * ldb + j]);
            set(x, c, K, product);
          }
        }
      }, (ts) => createBackend('f64', 'js').gemmNN(M, Nc, K, Float64Array.from(A.view), A.at, lda, Float64Array.from(B.view), B.at, ldb, ts, C.at, ldc));
      const es = s.mem.es;
      checkCall(s, C, expect, `gemmnn ${M}x${Nc}x${K} lda=${lda} ldb=${ldb} ldc=${ldc}`, (k) => k.gemmnn(M, Nc, K, A.addr, lda * es, B.addr, ldb * es, C.addr, ldc * es));
    }
  });

  test(`${p} adam: adamStep ${p === 'f64' && !fma ? 'bit for bit' : 'within rounding, its operation order in the set\'s arithmetic bit for bit'}`, () => {
    const rng = new Rng(p === 'f64' ? 51 : 52);
    const { mem, kernels } = setup(p, fma);
    const h = { ...DEFAULT_ADAM, lr: 0.01 };
    const lengths = [0, 1, 2, 3, 4, 5, 7, 8, 37, 64, 101];
    for (let trial = 0; trial < 40; trial++) {
      mem.reset();
      const n = trial < lengths.length ? lengths[trial] : int(rng, 200);
      const t = 1 + int(rng, 50);
      const limit = trial % 3 === 0 ? Infinity : 5;
      const skew = int(rng, 4); // one skew for all four, so one element index addresses each of them
      const alloc = (fill: () => number): Operand => mem.alloc(n, skew, GUARD, fill);
      const P = alloc(() => rng.uniform(1)), G = alloc(() => rng.uniform(12)), Mo = alloc(() => rng.uniform(0.1)), V = alloc(() => rng.nextFloat() * 0.01);
      const before = [P, G, Mo, V].map((o) => Float64Array.from(o.view));
      const what = `adam n=${n} t=${t} limit=${limit}`;

      // the TypeScript Adam, in float64, over the operand range of each view (guards untouched)
      const [p64, g64, m64, v64] = before.map((b) => Float64Array.from(b));
      adamUpdate(p64, g64, m64, v64, adamStepCoefficients(h, t, limit), P.at, P.at + n);
      const c1 = 1 / (1 - Math.pow(h.beta1, t)), c2 = 1 / (1 - Math.pow(h.beta2, t));
      const args = [h.lr, c1, c2, h.beta1, h.beta2, h.eps, limit, 1 - h.beta1, 1 - h.beta2] as const;

      // the same operation order rounded to the kernel's precision (the arguments too, as the call does)
      const [lr, k1, k2, b1, b2, eps, lim, a1, a2] = args.map(round);
      const [pm, mm, vm] = [before[0], before[2], before[3]].map((b) => Float64Array.from(b));
      for (let k = P.at; k < P.at + n; k++) {
        const g = Math.max(Math.min(before[1][k], lim), -lim);
        // m = b1·m + a1·g', v = b2·v + (a2·g')·g', the first product of each the set's multiply-add
        mm[k] = madd(round(a1 * g), b1, mm[k]);
        vm[k] = madd(round(round(a2 * g) * g), b2, vm[k]);
        pm[k] = round(pm[k] - round(round(round(lr * mm[k]) * k1) / round(round(Math.sqrt(round(vm[k] * k2))) + eps)));
      }

      kernels.adam(n, P.addr, G.addr, Mo.addr, V.addr, ...args);
      assertSameBits(P.view, pm, `${what} p`);
      assertSameBits(Mo.view, mm, `${what} m`);
      assertSameBits(V.view, vm, `${what} v`);
      assertSameBits(G.view, before[1], `${what} g unchanged`);
      if (p === 'f64' && !fma) {
        assertSameBits(P.view, p64, `${what} vs adamStep p`);
        assertSameBits(V.view, v64, `${what} vs adamStep v`);
      } else {
        // each of the ~10 operations of a step is rounded once (or skipped, when fused): |Δp| ≤ u·|p| + 16u·|step|
        // against the float64 loop; a float64 result differs from it by up to one ulp of p, 2u·|p|
        const last = p === 'f64' ? 2 : 1;
        const bound = p64.map((x, k) => UNIT_ROUNDOFF[p] * (last * Math.abs(x) + 16 * Math.abs(before[0][k] - x)));
        assertWithin(P.view, p64, bound, `${what} vs adamStep p`);
      }
    }
  });
}
