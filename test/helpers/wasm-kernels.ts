/**
 * Calling the compiled WebAssembly kernels directly, without the engine: a shared memory like the one a
 * network allocates, the module's four exports instantiated over it, and typed-array views at chosen
 * element offsets (deliberately not 16-byte aligned) with guard elements around every operand.
 */
import { kernelExports } from '../../src/lstm/wasm/exports';
import type { Float, Precision } from '../../src/lstm/buffers';

export type { KernelExports } from '../../src/lstm/wasm/exports';

interface ModuleDescriptor { module: string; name: string; kind: string }
interface WasmApi {
  Module: { new (bytes: Uint8Array): object; imports(m: object): ModuleDescriptor[]; exports(m: object): { name: string; kind: string }[] };
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => { buffer: SharedArrayBuffer };
}
export const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** The smallest maximum a network's memory declares (wasm/backend.ts maximumPages): 1 GiB. */
const MAXIMUM_PAGES = 16384;

/** An operand: its view (guards included) and where the operand itself starts. */
export interface Operand {
  view: Float;
  /** element index in `view` of the first element of the operand */
  at: number;
  /** byte address in the memory of the first element of the operand */
  addr: number;
}

export class KernelMemory {
  readonly buffer: SharedArrayBuffer;
  private readonly memory: object;
  private top = 0;
  readonly es: number;

  constructor(readonly precision: Precision, pages = 64) {
    const memory = new WA.Memory({ initial: pages, maximum: MAXIMUM_PAGES, shared: true });
    this.memory = memory;
    this.buffer = memory.buffer;
    this.es = precision === 'f64' ? 8 : 4;
  }

  instantiate(module: object): ReturnType<typeof kernelExports> {
    return kernelExports(new WA.Instance(module, { env: { memory: this.memory } }).exports);
  }

  /** Forget every operand (the next alloc starts at the bottom again). */
  reset(): void {
    this.top = 0;
  }

  /**
   * `length` elements preceded by `skew` + `guard` elements and followed by `guard` elements, all filled
   * by `fill`: the operand starts `skew + guard` elements after a 16-byte boundary, so varying `skew`
   * varies its alignment.
   */
  alloc(length: number, skew: number, guard: number, fill: () => number): Operand {
    const start = (this.top + 15) & ~15;
    const total = skew + guard + length + guard;
    const view = this.precision === 'f64' ? new Float64Array(this.buffer, start, total) : new Float32Array(this.buffer, start, total);
    for (let i = 0; i < total; i++) view[i] = fill();
    this.top = start + total * this.es;
    if (this.top > this.buffer.byteLength) throw new RangeError('test memory too small');
    const at = skew + guard;
    return { view, at, addr: start + at * this.es };
  }
}
