/**
 * Model and checkpoint files, in two formats:
 *
 * JSON (readable): { format: "lstm-opt-model", version: 1, kind, config, vocab, params: [...],
 *                    checkpoint?: { state, m: [...], v: [...], hidden: [...] } }
 *
 * Binary (compact), all integers little-endian:
 *   offset 0    8 bytes   magic  89 'L' 'S' 'T' 'M' 'O' 'P' 'T'
 *   offset 8    u32       format version (1)
 *   offset 12   u32       H = byte length of the header
 *   offset 16   H bytes   header, UTF-8 JSON: { kind, config (shapes, activation, precision), vocab,
 *                         state? (checkpoint scalars), arrays: [{ name, length }] }
 *   ...         zero padding to a multiple of 8
 *   ...         the arrays in header order (params[, m, v, hidden]) as float64 or float32 (config.precision)
 *   last 4      u32       CRC-32 of every byte before it
 *
 * A checkpoint is a model plus what a resumed run needs to continue exactly: Adam moments m and v (same
 * layout as params), the hidden state entering the next window (`hidden`: h of each layer, then c of
 * each layer, N values each), and the scalar training state (iteration, data cursor, RNG state, ...).
 *
 * Loading validates everything (magic, version, sizes, checksum, header fields, finite values) and throws
 * a ModelFileError with one clear line; it reads a bounded number of bytes and never loops on input.
 */
import { readFileSync } from 'node:fs';
import { UserError } from '../errors';
import { writeFileAtomic } from '../io/atomic';
import { allocFloat, bytesPerElement, Float, Precision } from './buffers';
import type { Activation } from './cell';
import { crc32 } from './crc32';
import { paramLayout } from './layout';
import { configProblems } from './network';

export const FORMAT_VERSION = 1;
export const MAGIC = Uint8Array.from([0x89, 0x4c, 0x53, 0x54, 0x4d, 0x4f, 0x50, 0x54]);
const MAX_HEADER_BYTES = 16 * 1024 * 1024;

export interface ModelConfig {
  vocabSize: number;
  layers: number;
  neurons: number;
  activation: Activation;
  precision: Precision;
}

export interface PhaseTimes {
  forward_cpu: number;
  forward_time: number;
  back_cpu: number;
  back_time: number;
  adam_cpu: number;
  adam_time: number;
}

export interface TrainingState {
  /** completed iterations */
  iteration: number;
  /** completed passes over the corpus */
  epoch: number;
  /** index of the next window's first character */
  cursor: number;
  smoothLoss: number;
  rng: number[];
  seed: number;
  window: number;
  lr: number;
  lrDecay: number;
  clip: number;
  clipMode: 'element' | 'norm' | 'none';
  corpus: { source: string; length: number; crc32: number };
  times: PhaseTimes;
}

export interface ModelData {
  config: ModelConfig;
  vocab: string[];
  params: Float;
  checkpoint?: { state: TrainingState; m: Float; v: Float; hidden: Float };
}

export class ModelFileError extends UserError {}

// ---------------------------------------------------------------- validation

function fail(msg: string): never {
  throw new ModelFileError(msg);
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function checkConfig(c: unknown): ModelConfig {
  if (!isObject(c)) fail('missing model configuration');
  const problems = configProblems(c as Partial<ModelConfig>);
  if (problems.length) fail(`bad model configuration: ${problems[0]}`);
  return { vocabSize: c.vocabSize, layers: c.layers, neurons: c.neurons, activation: c.activation, precision: c.precision } as ModelConfig;
}

function checkVocab(v: unknown, size: number): string[] {
  if (!Array.isArray(v) || v.length !== size) fail(`vocabulary must list ${size} characters`);
  const seen = new Set<string>();
  for (const ch of v) {
    if (typeof ch !== 'string' || [...ch].length !== 1 || seen.has(ch)) fail('vocabulary entries must be distinct single characters');
    seen.add(ch);
  }
  return v as string[];
}

function nonNegInt(x: unknown, name: string): number {
  if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < 0) fail(`checkpoint field ${name} must be a non-negative integer`);
  return x;
}

function finite(x: unknown, name: string): number {
  if (typeof x !== 'number' || !Number.isFinite(x)) fail(`checkpoint field ${name} must be a finite number`);
  return x;
}

function checkState(s: unknown): TrainingState {
  if (!isObject(s)) fail('checkpoint state is missing');
  const rng = s.rng;
  if (!Array.isArray(rng) || rng.length !== 4 || rng.some((w) => !Number.isInteger(w) || w < 0 || w > 0xffffffff) || rng.every((w) => w === 0)) {
    fail('checkpoint RNG state is invalid');
  }
  const corpus = s.corpus;
  if (!isObject(corpus) || typeof corpus.source !== 'string') fail('checkpoint corpus identity is missing');
  const times = s.times;
  if (!isObject(times)) fail('checkpoint times are missing');
  const t = {} as PhaseTimes;
  for (const k of ['forward_cpu', 'forward_time', 'back_cpu', 'back_time', 'adam_cpu', 'adam_time'] as const) t[k] = finite(times[k], `times.${k}`);
  if (s.clipMode !== 'element' && s.clipMode !== 'norm' && s.clipMode !== 'none') fail('checkpoint clipMode is invalid');
  const window = nonNegInt(s.window, 'window');
  if (window < 1) fail('checkpoint window must be positive');
  const lr = finite(s.lr, 'lr');
  if (lr <= 0) fail('checkpoint lr must be positive');
  return {
    iteration: nonNegInt(s.iteration, 'iteration'),
    epoch: nonNegInt(s.epoch, 'epoch'),
    cursor: nonNegInt(s.cursor, 'cursor'),
    smoothLoss: finite(s.smoothLoss, 'smoothLoss'),
    rng: rng as number[],
    seed: nonNegInt(s.seed, 'seed'),
    window,
    lr,
    lrDecay: finite(s.lrDecay, 'lrDecay'),
    clip: finite(s.clip, 'clip'),
    clipMode: s.clipMode,
    corpus: { source: corpus.source, length: nonNegInt(corpus.length, 'corpus.length'), crc32: nonNegInt(corpus.crc32, 'corpus.crc32') },
    times: t,
  };
}

function arrayLengths(config: ModelConfig, checkpoint: boolean): [string, number][] {
  const size = paramLayout(config.vocabSize, config.layers, config.neurons).size;
  const out: [string, number][] = [['params', size]];
  if (checkpoint) out.push(['m', size], ['v', size], ['hidden', 2 * config.layers * config.neurons]);
  return out;
}

function checkFinite(a: Float, name: string): void {
  for (let k = 0; k < a.length; k++) if (!Number.isFinite(a[k])) fail(`${name} contains a non-finite value (NaN or infinity)`);
}

// ---------------------------------------------------------------- binary

export function encodeBinary(m: ModelData): Uint8Array {
  const kind = m.checkpoint ? 'checkpoint' : 'model';
  const arrays: [string, Float][] = [['params', m.params]];
  if (m.checkpoint) arrays.push(['m', m.checkpoint.m], ['v', m.checkpoint.v], ['hidden', m.checkpoint.hidden]);
  const header = Buffer.from(
    JSON.stringify({ kind, config: m.config, vocab: m.vocab, state: m.checkpoint?.state, arrays: arrays.map(([name, a]) => ({ name, length: a.length })) }),
    'utf8',
  );
  const bpe = bytesPerElement(m.config.precision);
  const dataStart = align8(16 + header.length);
  const total = dataStart + arrays.reduce((s, [, a]) => s + a.length * bpe, 0) + 4;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  view.setUint32(8, FORMAT_VERSION, true);
  view.setUint32(12, header.length, true);
  out.set(header, 16);
  let at = dataStart;
  for (const [, a] of arrays) {
    const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength); // the platform is little-endian (checked below)
    out.set(bytes, at);
    at += a.byteLength;
  }
  view.setUint32(at, crc32(out, 0, at), true);
  return out;
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

export function decodeBinary(bytes: Uint8Array): ModelData {
  if (bytes.length < 20) fail('file is truncated (too short to be a model file)');
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC[i]) fail('not an lstm-opt model file (bad magic number)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== FORMAT_VERSION) fail(`unsupported model format version ${version} (this build reads version ${FORMAT_VERSION})`);
  const H = view.getUint32(12, true);
  if (H > MAX_HEADER_BYTES || 16 + H + 4 > bytes.length) fail('file is truncated or corrupted (header length exceeds the file)');
  const stored = view.getUint32(bytes.length - 4, true);
  if (crc32(bytes, 0, bytes.length - 4) !== stored) fail('checksum mismatch: the file is corrupted or truncated');
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + 16, H).toString('utf8'));
  } catch {
    fail('corrupted header');
  }
  if (!isObject(header)) fail('corrupted header');
  const checkpoint = header.kind === 'checkpoint';
  if (!checkpoint && header.kind !== 'model') fail('unknown file kind');
  const config = checkConfig(header.config);
  const vocab = checkVocab(header.vocab, config.vocabSize);
  const state = checkpoint ? checkState(header.state) : undefined;
  const expected = arrayLengths(config, checkpoint);
  const listed = header.arrays;
  if (!Array.isArray(listed) || listed.length !== expected.length || listed.some((a, i) => !isObject(a) || a.name !== expected[i][0] || a.length !== expected[i][1])) {
    fail('array table does not match the model shape');
  }
  const bpe = bytesPerElement(config.precision);
  let at = align8(16 + H);
  const size = at + expected.reduce((s, [, n]) => s + n * bpe, 0) + 4;
  if (size !== bytes.length) fail(size > bytes.length ? 'file is truncated' : 'file has unexpected trailing bytes');
  const arrays: Float[] = [];
  for (const [name, n] of expected) {
    const a = allocFloat(config.precision, n);
    new Uint8Array(a.buffer).set(bytes.subarray(at, at + n * bpe));
    at += n * bpe;
    checkFinite(a, name);
    arrays.push(a);
  }
  return {
    config,
    vocab,
    params: arrays[0],
    checkpoint: state ? { state, m: arrays[1], v: arrays[2], hidden: arrays[3] } : undefined,
  };
}

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new Error('lstm-opt model files assume a little-endian platform');
}

// ---------------------------------------------------------------- JSON

export function encodeJson(m: ModelData): string {
  const doc: Record<string, unknown> = {
    format: 'lstm-opt-model',
    version: FORMAT_VERSION,
    kind: m.checkpoint ? 'checkpoint' : 'model',
    config: m.config,
    vocab: m.vocab,
    params: Array.from(m.params),
  };
  if (m.checkpoint) {
    const c = m.checkpoint;
    doc.checkpoint = { state: c.state, m: Array.from(c.m), v: Array.from(c.v), hidden: Array.from(c.hidden) };
  }
  return JSON.stringify(doc) + '\n';
}

function floatArray(x: unknown, n: number, precision: Precision, name: string): Float {
  if (!Array.isArray(x) || x.length !== n) fail(`${name} must be an array of ${n} numbers`);
  const a = allocFloat(precision, n);
  for (let k = 0; k < n; k++) {
    const v = x[k];
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${name} contains a non-number or non-finite value`);
    a[k] = v;
  }
  return a;
}

export function decodeJson(text: string): ModelData {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    fail('not valid JSON (truncated or corrupted)');
  }
  if (!isObject(doc) || doc.format !== 'lstm-opt-model') fail('not an lstm-opt model file');
  if (doc.version !== FORMAT_VERSION) fail(`unsupported model format version ${String(doc.version)}`);
  const config = checkConfig(doc.config);
  const vocab = checkVocab(doc.vocab, config.vocabSize);
  const isCkpt = doc.kind === 'checkpoint';
  if (!isCkpt && doc.kind !== 'model') fail('unknown file kind');
  const lengths = arrayLengths(config, isCkpt);
  const params = floatArray(doc.params, lengths[0][1], config.precision, 'params');
  if (!isCkpt) return { config, vocab, params };
  const c = doc.checkpoint;
  if (!isObject(c)) fail('checkpoint data is missing');
  return {
    config,
    vocab,
    params,
    checkpoint: {
      state: checkState(c.state),
      m: floatArray(c.m, lengths[1][1], config.precision, 'm'),
      v: floatArray(c.v, lengths[2][1], config.precision, 'v'),
      hidden: floatArray(c.hidden, lengths[3][1], config.precision, 'hidden'),
    },
  };
}

// ---------------------------------------------------------------- files

/** Decodes either format (JSON if the first non-blank byte is '{'). */
export function decodeModel(bytes: Uint8Array): ModelData {
  let i = 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  if (bytes[i] === 0x7b) return decodeJson(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  return decodeBinary(bytes);
}

/** Reads and validates a model or checkpoint file; every problem is a ModelFileError naming the file. */
export function readModelFile(path: string): ModelData {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ModelFileError(code === 'ENOENT' ? `model file not found: ${path}` : `cannot read model file ${path}: ${(err as Error).message}`);
  }
  try {
    return decodeModel(bytes);
  } catch (err) {
    if (err instanceof ModelFileError) throw new ModelFileError(`${path}: ${err.message}`);
    throw err;
  }
}

/** Writes atomically: `.json` paths get JSON, anything else the binary format. */
export function writeModelFile(path: string, m: ModelData): void {
  writeFileAtomic(path, path.endsWith('.json') ? encodeJson(m) : encodeBinary(m));
}
