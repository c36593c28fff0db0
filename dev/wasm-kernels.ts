/**
 * A microbenchmark of the WebAssembly kernels (not a test): microseconds per call of gemv, gemmnt,
 * gemmnn and adam on the shapes the engine calls them with at 2x100 and 2x256 (window T = 100,
 * vocabulary V = 98), for two or more builds of the same kernels side by side.
 *
 *   node dist/dev/wasm-kernels.js [--compare name=path-to-f64.wasm,path-to-f32.wasm ...] [--rounds 15]
 *
 * The built kernels (dist/src/lstm/wasm/kernels-<p>.wasm) are always measured, as 'built', and where
 * the runtime has relaxed SIMD (enabled on Node 20 by src/lstm/wasm/relaxed-simd.ts) the built fma set
 * too, as 'fma' (kernels-<p>-fma.wasm); each --compare adds another module pair with the same exports
 * (e.g. a variant of the kernels, which may use relaxed SIMD). All of them
 * run over one shared memory on the same operands, INTERLEAVED: in every round each build times a batch
 * of calls, in alternating order, so all see the same machine load. Reported per case: the median
 * microseconds per call of each build over the rounds, and for each other build the median of the
 * per-round ratios to 'built' with its min and max, both in wall time and in process CPU time (which a
 * busy machine inflates less: a preempted batch loses wall time, not CPU time).
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { median } from '../src/stats/stats';
import type { Precision } from '../src/lstm/buffers';
import { readKernelBytes } from '../src/lstm/wasm/binaries';
import { kernelTarget } from '../src/lstm/wasm/kernels';
import { relaxedSimdAvailable } from '../src/lstm/wasm/relaxed-simd';
import { KernelMemory, Operand, WA } from '../test/helpers/wasm-kernels';
import type { KernelExports } from '../src/lstm/wasm/exports';

const T = 100;
const V = 98;

/** One timed call: a kernel on operands of the engine's shapes at one network size. */
interface Case {
  name: string;
  call: (k: KernelExports) => void;
}

function cases(mem: KernelMemory, N: number): Case[] {
  const es = mem.es;
  let seed = 1;
  const fill = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 0.1;
  const mat = (rows: number, cols: number): Operand => mem.alloc(rows * cols, 0, 0, fill);
  const X = mat(T, N), W = mat(4 * N, N), G = mat(T, 4 * N), h = mat(1, N), g = mat(1, 4 * N);
  const dG = mat(4 * N, T), Xt = mat(N, T), dW = mat(4 * N, N);
  const dY = mat(T, V), Wy = mat(V, N), dH = mat(T, N);
  const n = 2 * 4 * N * (2 * N + 1) + V * (N + 1);
  const p = mat(1, n), gr = mat(1, n), m = mat(1, n), v = mat(1, n);
  v.view.fill(1e-4);
  return [
    // gate pre-activations of a window: G (T, 4N) += X (T, N) · Wᵀ
    { name: `gemmnt ${T}x${4 * N}x${N} (gates)`, call: (k) => k.gemmnt(T, 4 * N, N, X.addr, N * es, W.addr, N * es, G.addr, 4 * N * es) },
    // one time step's recurrent product: g (4N) += W (4N, N) · h
    { name: `gemv ${4 * N}x${N} (recurrent step)`, call: (k) => k.gemv(4 * N, N, W.addr, N * es, h.addr, g.addr) },
    // weight gradient over the window: dW (4N, N) += dGᵀ (4N, T) · Xᵀᵀ
    { name: `gemmnt ${4 * N}x${N}x${T} (weight gradient)`, call: (k) => k.gemmnt(4 * N, N, T, dG.addr, T * es, Xt.addr, T * es, dW.addr, N * es) },
    // dH_top (T, N) += dY (T, V) · Wy (V, N)
    { name: `gemmnn ${T}x${N}x${V} (dH_top)`, call: (k) => k.gemmnn(T, N, V, dY.addr, V * es, Wy.addr, N * es, dH.addr, N * es) },
    { name: `adam n=${n}`, call: (k) => k.adam(n, p.addr, gr.addr, m.addr, v.addr, 1e-3, 1.1, 1.01, 0.9, 0.999, 1e-8, 5, 0.1, 0.001) },
  ];
}

interface Build { name: string; bytes: Record<Precision, Uint8Array> }

function parseCompare(spec: string, acc: Build[]): Build[] {
  const m = /^([^=]+)=([^,]+),([^,]+)$/.exec(spec);
  if (!m) throw new Error(`--compare expects name=f64.wasm,f32.wasm, got '${spec}'`);
  return [...acc, { name: m[1], bytes: { f64: readFileSync(m[2]), f32: readFileSync(m[3]) } }];
}

interface Timing { wall: number; cpu: number }

/** Microseconds per call, wall and process CPU, of a batch long enough (about 5 ms) to dwarf the clocks' resolution. */
function timeBatch(call: () => void, reps: number): Timing {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let r = 0; r < reps; r++) call();
  const wall = Number(process.hrtime.bigint() - t0) / 1e3 / reps;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / reps };
}

/** 'name median µs' per build, then each other build's per-round ratio to the first: median [min, max]. */
function columns(builds: Build[], us: number[][]): string[] {
  const cols = builds.map((b, i) => `${b.name} ${median(us[i]).toFixed(2)}`);
  const ratios = builds.slice(1).map((b, i) => {
    const rs = us[i + 1].map((x, r) => x / us[0][r]);
    return `${b.name}/${builds[0].name} ${median(rs).toFixed(3)} [${Math.min(...rs).toFixed(3)}, ${Math.max(...rs).toFixed(3)}]`;
  });
  return [...cols, ...ratios];
}

function main(): void {
  const opts = new Command()
    .option('--compare <name=f64.wasm,f32.wasm>', 'another build of the kernels to measure (repeatable)', parseCompare, [] as Build[])
    .option('--rounds <n>', 'interleaved rounds', (s) => Number(s), 15)
    .parse()
    .opts<{ compare: Build[]; rounds: number }>();
  const builds: Build[] = [{ name: 'built', bytes: { f64: readKernelBytes('f64'), f32: readKernelBytes('f32') } }];
  if (relaxedSimdAvailable()) builds.push({ name: 'fma', bytes: { f64: readKernelBytes(kernelTarget('f64', true)), f32: readKernelBytes(kernelTarget('f32', true)) } });
  builds.push(...opts.compare);
  const cpu0 = process.cpuUsage();
  const wall0 = process.hrtime.bigint();
  for (const p of ['f64', 'f32'] as const) {
    for (const N of [100, 256]) {
      const mem = new KernelMemory(p, 1024);
      const kernels = builds.map((b) => mem.instantiate(new WA.Module(b.bytes[p])));
      for (const c of cases(mem, N)) {
        // calibrate: enough calls for about 5 ms, after a warm-up that lets V8 tier up every build
        for (const k of kernels) timeBatch(() => c.call(k), 20);
        const reps = Math.max(1, Math.round(5000 / timeBatch(() => c.call(kernels[0]), 20).wall));
        const wall: number[][] = builds.map(() => []), cpu: number[][] = builds.map(() => []);
        for (let r = 0; r < opts.rounds; r++) {
          const order = r % 2 === 0 ? kernels.map((_, i) => i) : kernels.map((_, i) => kernels.length - 1 - i);
          for (const i of order) {
            const t = timeBatch(() => c.call(kernels[i]), reps);
            wall[i].push(t.wall);
            cpu[i].push(t.cpu);
          }
        }
        console.log(`${p} ${`2x${N}`.padEnd(6)} ${c.name.padEnd(34)} µs wall: ${columns(builds, wall).join('  ')} | µs cpu: ${columns(builds, cpu).join('  ')}`);
      }
    }
  }
  const cpu = process.cpuUsage(cpu0);
  console.log(`process CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s, wall ${(Number(process.hrtime.bigint() - wall0) / 1e9).toFixed(1)} s`);
}

main();
