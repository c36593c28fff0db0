/**
 * Whether this runtime runs WebAssembly relaxed SIMD, which the 'wasm-fma' kernel set needs (its
 * multiply-adds are relaxed_madd), and whether relaxed_madd actually fuses here.
 *
 * Node ≥ 22 validates relaxed SIMD by default. Node 20's V8 has it behind --experimental-wasm-relaxed-simd;
 * V8 flags are per process, so setting it with v8.setFlagsFromString before the first fma module is
 * compiled enables it for this thread and for every worker thread started afterwards (they instantiate
 * the main thread's compiled module). Detection validates a 60-byte module holding one f64x2.relaxed_madd:
 * no version sniffing, so a runtime that drops or renames the flag simply falls back. node:v8 is looked up
 * at run time (process.getBuiltinModule), not imported, so the web page's bundle builds from this file
 * too; browsers have relaxed SIMD or not, with no flag to set.
 */
import { WA } from './api';

/** (func (result v128) (f64x2.relaxed_madd (v128.const 0) (v128.const 0) (v128.const 0))) */
function probeModule(): Uint8Array {
  const zero = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];
  const body = [0x00, ...zero, ...zero, ...zero, 0xfd, 0x87, 0x02, 0x0b];
  const code = [0x01, body.length, ...body];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type section: () -> v128
    0x03, 0x02, 0x01, 0x00, // function section: one function of type 0
    0x0a, code.length, ...code, // code section
  ]);
}

/**
 * (func (export "f") (param f64 f64 f64) (result f64)
 *   (f64x2.extract_lane 0 (f64x2.relaxed_madd (f64x2.splat a) (f64x2.splat b) (f64x2.splat c))))
 */
function fusesModule(): Uint8Array {
  const splat = (i: number): number[] => [0x20, i, 0xfd, 0x14];
  const body = [0x00, ...splat(0), ...splat(1), ...splat(2), 0xfd, 0x87, 0x02, 0xfd, 0x21, 0x00, 0x0b];
  const code = [0x01, body.length, ...body];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    0x01, 0x08, 0x01, 0x60, 0x03, 0x7c, 0x7c, 0x7c, 0x01, 0x7c, // type: (f64 f64 f64) -> f64
    0x03, 0x02, 0x01, 0x00,
    0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00, // export "f" = function 0
    0x0a, code.length, ...code,
  ]);
}

interface Validator { validate(bytes: Uint8Array): boolean }

function validates(bytes: Uint8Array): boolean {
  const api = WA as unknown as Validator | undefined;
  return api !== undefined && api.validate(bytes);
}

let detected: boolean | undefined;
let forced: boolean | undefined;

/**
 * True when this runtime compiles relaxed SIMD, enabling Node 20's experimental flag first when needed
 * (once per process). The answer is cached.
 */
export function relaxedSimdAvailable(): boolean {
  if (forced !== undefined) return forced;
  if (detected === undefined) {
    const probe = probeModule();
    detected = validates(probe);
    if (!detected && WA !== undefined) {
      try {
        const v8 = typeof process === 'undefined' ? undefined : process.getBuiltinModule?.('node:v8');
        v8?.setFlagsFromString('--experimental-wasm-relaxed-simd');
      } catch {
        // not a V8 that knows the flag: stays unavailable
      }
      detected = validates(probe);
    }
  }
  return detected;
}

/**
 * Pretends this runtime has (true) or lacks (false) relaxed SIMD; undefined returns to detection. For
 * tests of the fallback path: the engine then selects kernels as it would on such a runtime.
 */
export function forceRelaxedSimd(available: boolean | undefined): void {
  forced = available;
}

let fusedAnswer: boolean | undefined;

/**
 * Whether relaxed_madd rounds once here (a fused multiply-add: x64 with FMA3, arm64) or twice. Decided
 * on 1 + 2⁻³⁰ squared minus (1 + 2⁻²⁹): the exact answer 2⁻⁶⁰ is lost when the product is rounded first.
 * Undefined without relaxed SIMD.
 */
export function relaxedMaddFuses(): boolean | undefined {
  if (!relaxedSimdAvailable()) return undefined;
  if (fusedAnswer === undefined) {
    const f = new WA!.Instance(new WA!.Module(fusesModule()), {}).exports.f as (a: number, b: number, c: number) => number;
    const x = 1 + 2 ** -30;
    fusedAnswer = f(x, x, -(1 + 2 ** -29)) !== 0;
  }
  return fusedAnswer;
}
