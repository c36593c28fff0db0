/**
 * Model and checkpoint files, in two formats:
 *
 * JSON (readable): { format: "lstm-opt-model", version: 2, kind, config, vocab, params: [...],
 *                    checkpoint?: { state, m: [...], v: [...], hidden: [...] }, crc32 }
 *   crc32 is the last member: the CRC-32 of the UTF-8 bytes of the same document written without it
 *   (the file's text up to `,"crc32":` followed by `}`), so a flipped byte or an edited number is
 *   refused like in the binary form. Version 1 files (written before the checksum existed) carry no
 *   crc32 and are still read.
 *
 * Binary (compact), all integers little-endian:
 *   offset 0    8 bytes   magic  89 'L' 'S' 'T' 'M' 'O' 'P' 'T'
 *   offset 8    u32       format version (1)
 *   offset 12   u32       H = byte length of the header
 *   offset 16   H bytes   header, UTF-8 JSON: { kind, config, vocab, state? (checkpoint scalars),
 *                         arrays: [{ name, length }] }
 *   ...         zero padding to a multiple of 8
 *   ...         the arrays in header order (params[, m, v, hidden]) as float64 or float32 (config.precision)
 *   last 4      u32       CRC-32 of every byte before it
 *
 * config (both formats), in this member order:
 *   { vocabSize, layers, neurons,
 *     activation: "tanh" | "isru"                   the cell activation (candidate g and act(c))
 *     precision: "f64" | "f32"                      the element type of every array
 *     gate?: "sigmoid" | "isru-sigmoid"             the gate activation of f, i, o; absent = "sigmoid"
 *     activationImpl?: "scalar" | "simd" }          the point-wise implementation; absent = "scalar"
 *   Writers omit gate and activationImpl at their defaults, so the file of a sigmoid/scalar network is
 *   byte for byte what it was before these members existed, and every older file reads as
 *   sigmoid/scalar. isru-sigmoid(x) = (1 + isru(x/2))/2 with isru(x) = x/sqrt(1 + x²); the formulas of
 *   the cell are in ./cell.ts. Neither member changes the array table.
 *
 * A checkpoint is a model plus what a resumed run needs to continue exactly: Adam moments m and v (same
 * layout as params), the hidden state entering the next window (`hidden`: h of each layer, then c of
 * each layer, N values each), and the scalar training state (iteration, data cursor, RNG state, ...).
 * The state's optional `run` member records the run the checkpoint belongs to, so that a bare
 * `--resume` continues it to the same end with the same rows:
 *   run: { iterations?, epochs? (the target; at least one), progressEvery, storeEvery? }
 * Checkpoints written before `run` existed have none and still load (the command line then needs the
 * target again). Readers ignore state members they do not know, so adding an optional member does not
 * change the format version.
 *
 * Loading validates everything (magic, version, sizes, checksum, header fields, finite values) and throws
 * a ModelFileError with one clear line. Only regular files are read, never more than MAX_FILE_BYTES
 * (binary) or the longest string the runtime can hold (JSON), so a device (/dev/zero), a FIFO or a
 * huge file is refused up front instead of hanging or exhausting memory.
 */
import { closeSync, constants as fsConstants, fstatSync, openSync, readSync } from 'node:fs';
import { constants as bufferConstants } from 'node:buffer';
import { UserError } from '../errors';
import { writeFileAtomic } from '../io/atomic';
import { allocFloat, bytesPerElement, Float, Precision } from './buffers';
import { crc32 } from './crc32';
import { ModelConfig, modelConfigFromRecord, modelConfigRecord } from './model-config';
import { paramLayout } from './layout';
import { configProblems } from './network';
import { KERNEL_KINDS, KernelKind } from './backend';

export const FORMAT_VERSION = 1;
/** JSON files: 2 adds the crc32 member; 1 (no checksum) is still read. */
export const JSON_FORMAT_VERSION = 2;
/** No valid binary file is larger: every buffer of a trainable network fits in a 2 GiB arena. */
export const MAX_FILE_BYTES = 2 ** 31;
export const MAGIC = Uint8Array.from([0x89, 0x4c, 0x53, 0x54, 0x4d, 0x4f, 0x50, 0x54]);
const MAX_HEADER_BYTES = 16 * 1024 * 1024;

// the configuration record lives apart from the file I/O, so the trainer (which a browser page bundles) has it
export { modelConfigOf } from './model-config';
export type { ModelConfig, ModelConfigRecord } from './model-config';

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
  /** index of the next window's first character (shuffled: the next window's position in the epoch × window) */
  cursor: number;
  smoothLoss: number;
  rng: number[];
  seed: number;
  window: number;
  lr: number;
  lrDecay: number;
  clip: number;
  clipMode: 'element' | 'norm' | 'none';
  /** windows read in a seeded random order per epoch (absent: in order) */
  shuffle?: boolean;
  corpus: { source: string; length: number; crc32: number };
  times: PhaseTimes;
  /** the run this checkpoint belongs to (absent in checkpoints from before it was recorded) */
  run?: RunRecord;
  /**
   * the kernel set that computed the iterations up to this checkpoint (absent in checkpoints from before
   * it was recorded). A resumed run may use another set; it then records its own here.
   */
  kernels?: KernelKind;
}

/** The target and file cadence of a training run, as recorded in its checkpoints. */
export interface RunRecord {
  /** stop when this many iterations have completed in total */
  iterations?: number;
  /** stop when this many passes over the corpus have completed */
  epochs?: number;
  /** a progress row every progressEvery iterations */
  progressEvery: number;
  /** a checkpoint every storeEvery iterations */
  storeEvery?: number;
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
  // what the file says, not whether this runtime can run it: a 'simd' model is still read where there is no SIMD
  const record = modelConfigFromRecord(c);
  if ('problem' in record) fail(`bad model configuration: ${record.problem}`);
  const problems = configProblems(record.config, { runtime: false });
  if (problems.length) fail(`bad model configuration: ${problems[0]}`);
  return record.config;
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
  const run = s.run === undefined ? undefined : checkRun(s.run);
  if (s.kernels !== undefined && !KERNEL_KINDS.includes(s.kernels as KernelKind)) fail(`checkpoint kernels must be ${KERNEL_KINDS.join(', ')}`);
  if (s.shuffle !== undefined && typeof s.shuffle !== 'boolean') fail('checkpoint shuffle must be true or false');
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
    ...(run ? { run } : {}),
    ...(s.kernels !== undefined ? { kernels: s.kernels as KernelKind } : {}),
    ...(s.shuffle === true ? { shuffle: true } : {}),
  };
}

function checkRun(r: unknown): RunRecord {
  if (!isObject(r)) fail('checkpoint run record is invalid');
  const positive = (x: unknown, name: string): number | undefined => {
    if (x === undefined) return undefined;
    if (nonNegInt(x, `run.${name}`) < 1) fail(`checkpoint field run.${name} must be positive`);
    return x as number;
  };
  const iterations = positive(r.iterations, 'iterations');
  const epochs = positive(r.epochs, 'epochs');
  const progressEvery = positive(r.progressEvery, 'progressEvery');
  const storeEvery = positive(r.storeEvery, 'storeEvery');
  if (progressEvery === undefined) fail('checkpoint field run.progressEvery is missing');
  if (iterations === undefined && epochs === undefined) fail('checkpoint run record has no target (iterations or epochs)');
  return {
    ...(iterations !== undefined ? { iterations } : {}),
    ...(epochs !== undefined ? { epochs } : {}),
    progressEvery,
    ...(storeEvery !== undefined ? { storeEvery } : {}),
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

/** The arrays go to disk as their bytes are in memory, so model files are little-endian only. */
function requireLittleEndian(): void {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('lstm-opt model files assume a little-endian platform');
}

export function encodeBinary(m: ModelData): Uint8Array {
  requireLittleEndian();
  const kind = m.checkpoint ? 'checkpoint' : 'model';
  const arrays: [string, Float][] = [['params', m.params]];
  if (m.checkpoint) arrays.push(['m', m.checkpoint.m], ['v', m.checkpoint.v], ['hidden', m.checkpoint.hidden]);
  const header = Buffer.from(
    JSON.stringify({ kind, config: modelConfigRecord(m.config), vocab: m.vocab, state: m.checkpoint?.state, arrays: arrays.map(([name, a]) => ({ name, length: a.length })) }),
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
  requireLittleEndian();
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

// ---------------------------------------------------------------- JSON

export function encodeJson(m: ModelData): string {
  const doc: Record<string, unknown> = {
    format: 'lstm-opt-model',
    version: JSON_FORMAT_VERSION,
    kind: m.checkpoint ? 'checkpoint' : 'model',
    config: modelConfigRecord(m.config),
    vocab: m.vocab,
    params: Array.from(m.params),
  };
  if (m.checkpoint) {
    const c = m.checkpoint;
    doc.checkpoint = { state: c.state, m: Array.from(c.m), v: Array.from(c.v), hidden: Array.from(c.hidden) };
  }
  const body = JSON.stringify(doc);
  return `${body.slice(0, -1)}${CRC_MEMBER}${crc32(Buffer.from(body, 'utf8'))}}\n`;
}

const CRC_MEMBER = ',"crc32":';

/**
 * Verifies the crc32 member of a JSON model (see the format above). Returns false when the text has
 * none; throws when it has one that does not match.
 */
function verifyJsonChecksum(text: string): boolean {
  const at = text.lastIndexOf(CRC_MEMBER);
  if (at < 0) return false;
  const m = /^(\d{1,10})\}\s*$/.exec(text.slice(at + CRC_MEMBER.length));
  if (!m) return false;
  const body = text.slice(0, at) + '}';
  if (crc32(Buffer.from(body, 'utf8')) !== Number(m[1])) fail('checksum mismatch: the file is corrupted or was edited');
  return true;
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
  if (doc.version !== JSON_FORMAT_VERSION && doc.version !== 1) fail(`unsupported model format version ${String(doc.version)} (this build reads versions 1 and ${JSON_FORMAT_VERSION})`);
  const checked = verifyJsonChecksum(text);
  if (doc.version === JSON_FORMAT_VERSION && !checked) fail('the checksum (crc32) is missing: the file is corrupted or was edited');
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
  if (bytes[i] === 0x7b) {
    if (bytes.length > bufferConstants.MAX_STRING_LENGTH) fail('the JSON text is longer than this runtime can hold (use the binary form)');
    return decodeJson(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  }
  if (bytes.length > MAX_FILE_BYTES) fail('larger than any model file can be');
  return decodeBinary(bytes);
}

/**
 * The bytes of a model file, bounded in time and memory whatever the path names: the file is opened
 * without blocking (a FIFO with no writer would wait forever), must be a regular file, and is read up to
 * its size at opening (a file that keeps growing is cut there and then fails validation).
 */
function readBounded(path: string): Uint8Array {
  let fd: number;
  try {
    fd = openSync(path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ModelFileError(`model file not found: ${path}`);
    if (code === 'EISDIR') throw new ModelFileError(`${path} is a folder, not a model file`);
    throw new ModelFileError(`cannot read model file ${path}: ${code ?? (err as Error).message}`);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new ModelFileError(`${path} is a folder, not a model file`);
    if (!st.isFile()) throw new ModelFileError(`${path} is not a regular file (a device, FIFO or socket), so it is not a model file`);
    const limit = Math.max(MAX_FILE_BYTES, bufferConstants.MAX_STRING_LENGTH);
    if (st.size > limit) throw new ModelFileError(`${path} is ${st.size} bytes, larger than any model file can be`);
    const bytes = Buffer.alloc(st.size);
    let at = 0;
    while (at < bytes.length) {
      const n = readSync(fd, bytes, at, bytes.length - at, at);
      if (n === 0) break; // shrank meanwhile: the decoder reports the truncation
      at += n;
    }
    return bytes.subarray(0, at);
  } catch (err) {
    if (err instanceof ModelFileError) throw err;
    throw new ModelFileError(`cannot read model file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  } finally {
    closeSync(fd);
  }
}

/** Reads and validates a model or checkpoint file; every problem is a ModelFileError naming the file. */
export function readModelFile(path: string): ModelData {
  const bytes = readBounded(path);
  try {
    return decodeModel(bytes);
  } catch (err) {
    if (err instanceof ModelFileError) throw new ModelFileError(`${path}: ${err.message}`);
    throw err;
  }
}

/** The bytes of a model file at `path`: `.json` paths get JSON, anything else the binary format. */
export function encodeModel(path: string, m: ModelData): string | Uint8Array {
  return path.endsWith('.json') ? encodeJson(m) : encodeBinary(m);
}

/** Writes atomically (see encodeModel for the format). */
export function writeModelFile(path: string, m: ModelData): void {
  writeFileAtomic(path, encodeModel(path, m));
}
