/**
 * A minimal WebAssembly binary writer: just enough to emit the engine's SIMD kernels (kernels.ts)
 * without a toolchain. Opcodes follow the WebAssembly 2.0 core spec, including the fixed-width SIMD
 * proposal (prefix 0xfd).
 */
export const I32 = 0x7f, F32 = 0x7d, F64 = 0x7c, V128 = 0x7b;

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

function str(s: string): number[] {
  const b = [...Buffer.from(s, 'utf8')];
  return [...uleb(b.length), ...b];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

/** Instruction helpers (each returns bytes). */
export const op = {
  get: (i: number) => [0x20, ...uleb(i)],
  set: (i: number) => [0x21, ...uleb(i)],
  tee: (i: number) => [0x22, ...uleb(i)],
  i32: (n: number) => [0x41, ...sleb(n)],
  add: [0x6a], sub: [0x6b], mul: [0x6c], and: [0x71], shl: [0x74],
  geS: [0x4e], gtS: [0x4a],
  block: [0x02, 0x40], loop: [0x03, 0x40], end: [0x0b],
  br: (d: number) => [0x0c, ...uleb(d)],
  brIf: (d: number) => [0x0d, ...uleb(d)],
  call: (f: number) => [0x10, ...uleb(f)],
  // scalar float loads/stores/arithmetic: memarg = align (log2), offset 0
  f64load: [0x2b, 3, 0], f64store: [0x39, 3, 0], f64add: [0xa0], f64mul: [0xa2], f64zero: [0x44, 0, 0, 0, 0, 0, 0, 0, 0],
  f32load: [0x2a, 2, 0], f32store: [0x38, 2, 0], f32add: [0x92], f32mul: [0x94], f32zero: [0x43, 0, 0, 0, 0],
  // SIMD
  v128load: [0xfd, 0x00, 3, 0],
  v128zero: [0xfd, 0x0c, ...new Array(16).fill(0)],
  f64x2add: [0xfd, ...uleb(240)], f64x2mul: [0xfd, ...uleb(242)],
  f32x4add: [0xfd, ...uleb(228)], f32x4mul: [0xfd, ...uleb(230)],
  f64x2sub: [0xfd, ...uleb(241)], f64x2div: [0xfd, ...uleb(243)], f64x2min: [0xfd, ...uleb(244)], f64x2max: [0xfd, ...uleb(245)],
  f64x2sqrt: [0xfd, ...uleb(239)], f64x2splat: [0xfd, ...uleb(20)],
  f32x4sub: [0xfd, ...uleb(229)], f32x4div: [0xfd, ...uleb(231)], f32x4min: [0xfd, ...uleb(232)], f32x4max: [0xfd, ...uleb(233)],
  f32x4sqrt: [0xfd, ...uleb(227)], f32x4splat: [0xfd, ...uleb(19)],
  v128store: [0xfd, 0x0b, 3, 0],
  f64x2neg: [0xfd, ...uleb(237)], f32x4neg: [0xfd, ...uleb(225)], f64neg: [0x9a], f32neg: [0x8c],
  f64sub: [0xa1], f64div: [0xa3], f64min: [0xa4], f64max: [0xa5], f64sqrt: [0x9f],
  f32sub: [0x93], f32div: [0x95], f32min: [0x96], f32max: [0x97], f32sqrt: [0x91],
  f64x2lane: (l: number) => [0xfd, ...uleb(33), l],
  f32x4lane: (l: number) => [0xfd, ...uleb(31), l],
};

export interface FuncDef {
  name: string;
  params: number[];
  results: number[];
  /** extra locals, one type per local */
  locals: number[];
  body: number[];
}

/** A module importing one shared memory "env"."memory" (min..max pages) and exporting the functions. */
export function assembleModule(funcs: FuncDef[], minPages: number, maxPages: number): Uint8Array {
  const types = funcs.map((f) => [0x60, ...vec(f.params.map((p) => [p])), ...vec(f.results.map((r) => [r]))]);
  const imports = vec([[...str('env'), ...str('memory'), 0x02, 0x03, ...uleb(minPages), ...uleb(maxPages)]]);
  const functions = vec(funcs.map((_, i) => uleb(i)));
  const exports = vec(funcs.map((f, i) => [...str(f.name), 0x00, ...uleb(i)]));
  const codes = funcs.map((f) => {
    const groups: number[][] = [];
    for (const t of f.locals) groups.push([...uleb(1), t]);
    const body = [...vec(groups), ...f.body, 0x0b];
    return [...uleb(body.length), ...body];
  });
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, imports),
    ...section(3, functions),
    ...section(7, exports),
    ...section(10, vec(codes)),
  ]);
}
