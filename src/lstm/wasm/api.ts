/**
 * The slice of the WebAssembly JavaScript API the engine uses, declared once (tsconfig has no DOM lib,
 * where its types live). `WA` is undefined in a runtime without WebAssembly.
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}

export interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
}

export const WA = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

/** Bytes per WebAssembly memory page. */
export const PAGE = 65536;
/** Pages of the largest wasm32 memory (4 GiB). */
export const MAX_PAGES = 65536;
