/**
 * Runs the peer benchmarks (PyTorch, TensorFlow.js) as child processes and collects their JSON
 * lines. scripts/bench.ts calls `runPeers` and merges the rows into its table; it can also be run
 * alone:
 *
 *   node dist/bench/peers/run.js [--quick] [--configs 2x100,2x256] [--vocab V] [--peers pytorch,tfjs]
 *
 * which prints every peer row as one JSON line on stdout (logs on stderr).
 *
 * A peer that cannot run here is skipped with a reason, never an exception: PyTorch when torch is
 * not installed in .venv (the script exits with status 3), either peer when it exceeds its time limit
 * (the rows it finished before are kept).
 */
import { Option } from 'commander';
import { integerAtLeast, listOf, listWith, parseOptions } from '../options';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export type PeerEngine = 'pytorch' | 'tfjs';

/** One line of a peer's output: the contract shared with scripts/bench.ts. */
export interface PeerRow {
  engine: PeerEngine;
  layers: number;
  neurons: number;
  activation: 'tanh' | 'isru';
  precision: 'f64' | 'f32';
  ms_per_iter: number;
  /** null when the framework's step cannot be split (tfjs --train-on-batch) */
  forward_ms: number | null;
  backward_ms: number | null;
  adam_ms: number | null;
  iterations: number;
  version: string;
  /** further fields a peer adds (vocab, window, threads, lstm_kernel, ...) */
  [extra: string]: unknown;
}

export interface PeerRun {
  engine: PeerEngine;
  /** the command that was run, for the report */
  command: string[];
  rows: PeerRow[];
  /** set when the peer did not run (or not to the end), with the reason */
  skipped?: string;
}

export interface PeerOptions {
  vocab?: number;
  configs?: string[];
  quick?: boolean;
  /** tfjs only: 'tanh' (default) and/or 'isru'; PyTorch has no ISRU cell and always runs tanh */
  activations?: Array<'tanh' | 'isru'>;
  /** PyTorch only: default f64,f32 (tfjs's cpu backend is float32 only) */
  precisions?: Array<'f64' | 'f32'>;
  /** wall-clock limit per peer process; default 30 min (quick: 5 min) */
  timeoutMs?: number;
  /** pass the peers' stderr through to ours (default true) */
  echoStderr?: boolean;
  /** project root (default: the folder above dist/) */
  root?: string;
}

/** Exit status with which pytorch_lstm.py says "torch is not installed: skip me". */
export const PYTORCH_SKIP_EXIT = 3;

const NUMBER_FIELDS = ['layers', 'neurons', 'ms_per_iter', 'iterations'] as const;
const SPLIT_FIELDS = ['forward_ms', 'backward_ms', 'adam_ms'] as const;

/**
 * Parses a peer's stdout: one JSON object per non-empty line, each checked against the contract.
 * Throws an Error naming the line on anything else, so a broken peer cannot slip numbers into the table.
 */
export function parsePeerLines(stdout: string, engine: PeerEngine): PeerRow[] {
  const rows: PeerRow[] = [];
  stdout.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch {
      throw new Error(`${engine} peer: stdout line ${i + 1} is not JSON: ${line.slice(0, 80)}`);
    }
    const r = obj as Record<string, unknown>;
    const bad = (why: string) => new Error(`${engine} peer: stdout line ${i + 1} ${why}: ${line.slice(0, 120)}`);
    if (typeof r !== 'object' || r === null || Array.isArray(r)) throw bad('is not an object');
    if (r.engine !== engine) throw bad(`has engine ${JSON.stringify(r.engine)}, expected "${engine}"`);
    for (const f of NUMBER_FIELDS) {
      if (typeof r[f] !== 'number' || !Number.isFinite(r[f]) || (r[f] as number) <= 0) throw bad(`has no positive number ${f}`);
    }
    for (const f of SPLIT_FIELDS) {
      if (r[f] !== null && (typeof r[f] !== 'number' || !Number.isFinite(r[f]) || (r[f] as number) < 0)) {
        throw bad(`has a bad ${f}`);
      }
    }
    if (r.activation !== 'tanh' && r.activation !== 'isru') throw bad('has a bad activation');
    if (r.precision !== 'f64' && r.precision !== 'f32') throw bad('has a bad precision');
    if (typeof r.version !== 'string') throw bad('has no version');
    rows.push(r as PeerRow);
  });
  return rows;
}

function defaultRoot(): string {
  return resolve(__dirname, '../../..'); // dist/bench/peers -> project root
}

/** The command line of one peer for these options. */
export function peerCommand(engine: PeerEngine, opts: PeerOptions = {}): string[] {
  const root = opts.root ?? defaultRoot();
  const args: string[] = [];
  if (opts.quick) args.push('--quick');
  if (opts.configs?.length) args.push('--configs', opts.configs.join(','));
  if (opts.vocab !== undefined) args.push('--vocab', String(opts.vocab));
  if (engine === 'pytorch') {
    if (opts.precisions?.length) args.push('--precisions', opts.precisions.join(','));
    return [join(root, '.venv/bin/python'), join(root, 'bench/peers/pytorch_lstm.py'), ...args];
  }
  if (opts.activations?.length) args.push('--activations', opts.activations.join(','));
  return [process.execPath, join(root, 'dist/bench/peers/tfjs-lstm.js'), ...args];
}

/** Runs one peer to the end (or its time limit) and returns its rows, or why it was skipped. */
export function runPeer(engine: PeerEngine, opts: PeerOptions = {}): Promise<PeerRun> {
  const command = peerCommand(engine, opts);
  if (!existsSync(command[0]) || !existsSync(command[1])) {
    const missing = existsSync(command[0]) ? command[1] : command[0];
    return Promise.resolve({ engine, command, rows: [], skipped: `${missing} is missing` });
  }
  const timeoutMs = opts.timeoutMs ?? (opts.quick ? 5 : 30) * 60_000;
  const echo = opts.echoStderr ?? true;
  return new Promise((resolvePromise) => {
    const child = spawn(command[0], command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      if (echo) process.stderr.write(d);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
    }, timeoutMs);
    const finish = (code: number | null, spawnError?: Error) => {
      clearTimeout(timer);
      const lastLine = stderr.trim().split('\n').pop() ?? '';
      // Keep only whole lines: a peer stopped mid-write leaves a partial last line.
      const complete = stdout.slice(0, stdout.lastIndexOf('\n') + 1);
      let rows: PeerRow[] = [];
      let skipped: string | undefined;
      try {
        rows = parsePeerLines(complete, engine);
      } catch (err) {
        skipped = (err as Error).message;
      }
      if (spawnError) skipped = `could not start ${command[0]}: ${spawnError.message}`;
      else if (timedOut) skipped = `stopped after the ${Math.round(timeoutMs / 1000)} s time limit (${rows.length} rows kept)`;
      else if (engine === 'pytorch' && code === PYTORCH_SKIP_EXIT) skipped = lastLine.replace(/^\[pytorch-peer\]\s*/, '');
      else if (code !== 0 && !skipped) skipped = `exited with status ${code}: ${lastLine}`;
      resolvePromise({ engine, command, rows, ...(skipped ? { skipped } : {}) });
    };
    child.on('error', (err) => finish(null, err));
    child.on('close', (code) => finish(code));
  });
}

/** Runs the peers one after the other (never together: each must have a core to itself). */
export async function runPeers(opts: PeerOptions = {}, engines: PeerEngine[] = ['pytorch', 'tfjs']): Promise<PeerRun[]> {
  const runs: PeerRun[] = [];
  for (const engine of engines) runs.push(await runPeer(engine, opts));
  return runs;
}

async function main(argv: string[]): Promise<number> {
  const { peers: engines, ...opts } = parseOptions<PeerOptions & { peers: PeerEngine[] }>('bench/peers/run', [
    new Option('--quick', 'small sizes'),
    new Option('--configs <list>', 'network sizes LxN').argParser(listWith((c) => c)),
    new Option('--vocab <n>', 'vocabulary size').argParser(integerAtLeast(2)),
    new Option('--activations <list>', 'tanh, isru (TF.js only)').argParser(listOf(['tanh', 'isru'], 'activation')),
    new Option('--precisions <list>', 'f32, f64 (PyTorch only)').argParser(listOf(['f32', 'f64'], 'precision')),
    new Option('--peers <list>', 'pytorch, tfjs').argParser(listOf(['pytorch', 'tfjs'], 'peer')).default(['pytorch', 'tfjs']),
  ], argv);
  for (const run of await runPeers(opts, engines)) {
    for (const row of run.rows) process.stdout.write(JSON.stringify(row) + '\n');
    if (run.skipped) process.stderr.write(`peers: ${run.engine} skipped: ${run.skipped}\n`);
  }
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`peers: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(2);
    },
  );
}
