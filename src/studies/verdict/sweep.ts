/**
 * The verdict sweeps: every variant (src/studies/variants.ts) trained on the training part of the
 * held-out split (src/data/split.ts), with the validation loss at every progress row.
 *
 *  - `lstm-opt sweep verdict`: per size and seed one job that trains all variants from that seed,
 *    interleaved in chunks (the same machine load for every variant of a seed), so each seed is a pair
 *    for every variant against tanh/scalar — for the time saving and for the validation-loss difference.
 *    full: 2x128, seeds 1–5, 20 000 iterations; quick: 1x16 and 2x32, seeds 1–2, 300 iterations (seconds).
 *    `--sizes 1x32,2x64,...` (or `--sizes net-size`, that sweep's 40 configurations) adds held-out loss
 *    at other sizes; the time saving across sizes is `sweep net-size`'s question (it trains the variants too).
 *    `--lr 3e-4,1e-3,3e-3,1e-2` trains every size and seed at each Adam learning rate (one job per size,
 *    seed and rate); the default rate's runs keep their folder and names, any other rate's go to
 *    `lr-<rate>/` inside it, so they never collide with (nor are read as) the default's.
 *  - `lstm-opt sweep verdict-long`: one run per variant at 4x128 for 100 000 iterations (the original
 *    study ran 100k–500k), interleaved, with a checkpoint of every run every 2 000 iterations, so that
 *    an interrupted sweep — another session, another day — continues from the last checkpoint rather
 *    than from zero; `--per-variant` makes each variant a job of its own, for shards on separate
 *    machines. quick: 2x48, 300 iterations, a checkpoint every 100.
 *
 * `--corpus moby-dick` trains on the second packaged corpus (src/data/corpus.ts); its results go to
 * results/verdict[-long]-moby-dick/<machine>[/quick]. Output: ./results.ts.
 *
 * Resume and shards follow src/sweep/sweep.ts: a job is skipped when its files exist; shards take
 * every n-th job (size-major, then seed). Results of shards merge by file name (`lstm-opt sweep merge`).
 * Load: the 1-minute load average is recorded before and after every job; `--wait-idle <load>` waits
 * (up to `--wait-timeout` seconds) for the machine to calm down before each job, else a busy machine is
 * reported with a warning.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Option } from 'commander';
import { HOLD_OUTS, HoldOut, loadSplitCorpus, SplitCorpus, SplitRecord, VALIDATION_FRACTION } from '../../data/split';
import { DEFAULT_CORPUS, packagedCorpus } from '../../data/corpus';
import { positiveInt, UserError } from '../../errors';
import { writeFileAtomic } from '../../io/atomic';
import { DEFAULT_WAIT_TIMEOUT_SECONDS, LoadPolicy, MeasuredUnit, startMeasuring } from '../../io/load';
import { describeMachine, machineSlug } from '../../io/machine';
import { prepareOutputDir } from '../../io/places';
import { readModelFile, writeModelFile } from '../../lstm/modelfile';
import { Trainer } from '../../lstm/trainer';
import { configFieldProblems } from '../../lstm/network';
import { problemInFlags } from '../../cell-flags';
import { trainingMemoryProblem } from '../../lstm/limits';
import { defaultKernels } from '../../lstm/backend-select';
import { Validator } from '../../lstm/validation';
import { DEFAULT_TRAINER } from '../../lstm/trainer';
import { sameCell } from '../../lstm/cell-spec';
import { availableVariants, allVariants, parseVariantId, Variant, variantSlug } from '../variants';
import { advanceRuns, newRun, runSample, trainIdentity, ValidationPolicy, verdictCsv, VerdictRun } from './runs';
import { NetSize, parseSizes, sizeLabel } from '../../lstm/size';
import { DEFAULT_LEARNING_RATE, jobStem, longStem, rateFolder, SPLIT_FILE, verdictDir, verdictLongDir } from './results';
import { NET_SIZE_LAYERS, NET_SIZE_NEURONS } from '../net-size/grid';
import { isComplete, runJobs, selectShard, SweepJob, SweepKind, SweepOptions } from '../../sweep/sweep';

// ------------------------------------------------------------------ profiles

export interface VerdictProfile {
  sizes: NetSize[];
  seeds: number;
  iterations: number;
  progressEvery: number;
  validation: ValidationPolicy;
  sampleChars: number;
}

/**
 * Validation cost (src/lstm/validation.ts): a character evaluated costs about one training forward pass
 * per character, half an iteration's; so the full profile's 5 000 characters every 500 iterations plus
 * 100 000 at the end add about 7% to training (the quick profile's 2 000 every 50 and 10 000 at the end: a
 * third, which is seconds).
 *
 * full: 2x128 × 5 seeds × 20 000 iterations × 6 variants (≈ 10 ms per 2x128 iteration when idle: about
 * 20 minutes per seed, 1.7 hours in all on one core; shard it); quick: 1x16 and 2x32 × 2 seeds × 300
 * iterations (seconds).
 */
export function verdictProfile(quick: boolean): VerdictProfile {
  return quick
    ? { sizes: [{ layers: 1, neurons: 16 }, { layers: 2, neurons: 32 }], seeds: 2, iterations: 300, progressEvery: 50, validation: { rowChars: 2_000, finalChars: 10_000 }, sampleChars: 200 }
    : { sizes: [{ layers: 2, neurons: 128 }], seeds: 5, iterations: 20_000, progressEvery: 500, validation: { rowChars: 5_000, finalChars: 100_000 }, sampleChars: 600 };
}

export interface VerdictLongProfile {
  size: NetSize;
  iterations: number;
  progressEvery: number;
  checkpointEvery: number;
  validation: ValidationPolicy;
  sampleChars: number;
}

/**
 * full: 4x128, 100 000 iterations (≈ 17 ms each when idle: about 30 minutes per variant, 3 hours for all
 * six interleaved), 10 000 validation characters every 1 000 iterations (≈ 5% of training); quick: 2x48, 300.
 */
export function verdictLongProfile(quick: boolean): VerdictLongProfile {
  return quick
    ? { size: { layers: 2, neurons: 48 }, iterations: 300, progressEvery: 50, checkpointEvery: 100, validation: { rowChars: 2_000, finalChars: 10_000 }, sampleChars: 200 }
    : { size: { layers: 4, neurons: 128 }, iterations: 100_000, progressEvery: 1_000, checkpointEvery: 2_000, validation: { rowChars: 10_000, finalChars: 100_000 }, sampleChars: 600 };
}

// ------------------------------------------------------------------ learning rates

/** `--lr 3e-4,1e-3,3e-3`: distinct positive learning rates, in the order given. */
export function parseRates(text: string): number[] {
  const rates: number[] = [];
  for (const item of text.split(',').map((t) => t.trim())) {
    const rate = Number(item);
    if (item === '' || !Number.isFinite(rate) || rate <= 0) throw new UserError(`--lr must be positive numbers separated by commas (e.g. 3e-4,1e-3,3e-3), got '${text}'`);
    if (rates.includes(rate)) throw new UserError(`--lr ${text}: the rate ${rate} is given twice`);
    rates.push(rate);
  }
  return rates;
}

// ------------------------------------------------------------------ options

/** `--variants tanh,all-isru/simd`: names (both implementations) or ids. */
export function parseVariants(text: string): Variant[] {
  const out: Variant[] = [];
  for (const item of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const byId = parseVariantId(item);
    const found = byId ? [byId] : allVariants().filter((v) => v.name === item);
    if (found.length === 0) throw new UserError(`--variants: unknown variant '${item}' (known: ${allVariants().filter((v) => v.impl === 'scalar').map((v) => v.name).join(', ')}, optionally /scalar or /simd)`);
    for (const v of found) if (!out.some((o) => o.id === v.id)) out.push(v);
  }
  if (out.length === 0) throw new UserError('--variants: give at least one variant');
  return allVariants().filter((v) => out.some((o) => o.id === v.id)); // canonical order: the baseline first
}

function parseLoad(text: string): number {
  const x = Number(text);
  if (!Number.isFinite(x) || x < 0) throw new UserError(`--wait-idle must be a load average ≥ 0, got '${text}'`);
  return x;
}

/** `--sizes 1x32,2x128`, or `--sizes net-size`: the network-size sweep's grid (src/studies/net-size/sweep.ts). */
function parseSizesFlag(text: string): NetSize[] {
  if (text.trim() === 'net-size') return NET_SIZE_LAYERS.flatMap((layers) => NET_SIZE_NEURONS.map((neurons) => ({ layers, neurons })));
  let sizes: NetSize[];
  try {
    sizes = parseSizes(text);
  } catch (err) {
    throw new UserError(`--sizes: ${(err as Error).message}`);
  }
  // train's limits on layers and neurons (the vocabulary is checked with the corpus, before training)
  for (const size of sizes) {
    const problem = configFieldProblems({ vocabSize: 2, ...size, precision: 'f64' })[0];
    if (problem) throw new UserError(`--sizes ${sizeLabel(size)}: ${problemInFlags(problem)}`);
  }
  return sizes;
}

/** The first size whose runs cannot fit in memory with this corpus (train's limits), as one line. */
function sizesMemoryProblem(sizes: readonly NetSize[], vocabSize: number): string | undefined {
  const kernels = defaultKernels('f64');
  for (const size of sizes) {
    const problem = trainingMemoryProblem({ vocabSize, ...size, precision: 'f64', window: DEFAULT_TRAINER.window }, kernels);
    if (problem) return `--sizes ${sizeLabel(size)}: ${problem}`;
  }
  return undefined;
}

/** --variants, --wait-idle, --wait-timeout: the options of every sweep over the variants (also `sweep net-size`). */
export const variantSweepOptions = (): Option[] => [
  new Option('--variants <list>', 'variants to train: tanh, isru, all-isru, each optionally /scalar or /simd (default all)').argParser(parseVariants),
  new Option('--wait-idle <load>', 'before each job, wait until the 1-minute load average is at most this').argParser(parseLoad),
  new Option('--wait-timeout <s>', `give up waiting after this many seconds (default ${DEFAULT_WAIT_TIMEOUT_SECONDS})`).argParser(positiveInt('--wait-timeout')),
];

const commonOptions = (): Option[] => [
  ...variantSweepOptions(),
  new Option('--val-chars <n>', 'validation characters per progress row (default: the profile\'s)').argParser(positiveInt('--val-chars')),
  new Option('--shuffle', 'read each epoch\'s training windows in an order drawn from the seed, so seeds vary the data order too (default: in order; use another --out)'),
  new Option('--held-out <which>', 'held-out addresses: the newest 10% (default), or every 10th across all years (same era as training; use another --out)').choices([...HOLD_OUTS]),
];

interface VerdictExtra {
  variants?: Variant[];
  lr?: number[];
  valChars?: number;
  heldOut?: HoldOut;
  shuffle?: boolean;
  waitIdle?: number;
  waitTimeout?: number;
  seeds?: number;
  sizes?: NetSize[];
  perVariant?: boolean;
}

const policyOf = (x: VerdictExtra): LoadPolicy => ({ waitIdle: x.waitIdle, waitTimeoutSeconds: x.waitTimeout ?? DEFAULT_WAIT_TIMEOUT_SECONDS });

// ------------------------------------------------------------------ shared pieces

/** Writes split.json, or checks that the folder's results come from the same split. */
export function recordSplit(dir: string, record: SplitRecord): void {
  const file = join(dir, SPLIT_FILE);
  if (existsSync(file)) {
    const old = JSON.parse(readFileSync(file, 'utf8')) as SplitRecord;
    if (old.validation?.crc32 !== record.validation.crc32 || old.train?.crc32 !== record.train.crc32) {
      throw new UserError(`${file} records another held-out split (${old.source}); use another --out for this corpus`);
    }
    return;
  }
  writeFileAtomic(file, JSON.stringify(record, null, 2) + '\n');
}

/** The summary of one finished run, for the job's JSON; `csv` is its progress file's name. */
function runSummary(r: VerdictRun, sampleChars: number, csv: string): Record<string, unknown> {
  const t = r.trainer.times;
  const last = r.rows[r.rows.length - 1];
  return {
    variant: r.variant.id, description: r.variant.description, seed: r.seed, csv,
    train_loss: Number(last.loss), val_loss: Number(last.val_loss), val_bpc: Number(last.val_bpc), val_chars: Number(last.val_chars),
    train_time: t.forward_time + t.back_time + t.adam_time, train_cpu: t.forward_cpu + t.back_cpu + t.adam_cpu,
    sample: runSample(r, sampleChars),
  };
}

const log = (quiet: boolean | undefined, name: string) => (line: string): void => {
  if (!quiet) process.stderr.write(`sweep ${name}: ${line}\n`);
};

// ------------------------------------------------------------------ verdict (seeds)

export interface VerdictSweepOptions extends Omit<SweepOptions, 'extra'> {
  extra: VerdictExtra;
}

/** Runs (the shard of) the verdict sweep; returns the output folder. */
export async function runVerdictSweep(o: VerdictSweepOptions): Promise<string> {
  const p = verdictProfile(o.quick);
  const x = o.extra;
  const iterations = o.iterations ?? p.iterations;
  const dir = o.out ?? verdictDir(o.quick, machineSlug(), o.corpus);
  const say = log(o.quiet, 'verdict');
  const { run: variants, skipped } = availableVariants(x.variants ?? allVariants());
  for (const s of skipped) say(`skipping ${s.variant.id}: ${s.reason}`);
  let cached: SplitCorpus | undefined;
  const split = (): SplitCorpus => (cached ??= loadSplitCorpus(o.corpus, VALIDATION_FRACTION, x.heldOut));
  const validation = { ...p.validation, rowChars: x.valChars ?? p.validation.rowChars };
  const progressEvery = Math.min(p.progressEvery, iterations);
  const rates = x.lr ?? [DEFAULT_LEARNING_RATE];
  // size, then seed, then rate: with the default rate alone, the order (and so every shard) of earlier sweeps
  const units = (x.sizes ?? p.sizes).flatMap((size) => Array.from({ length: x.seeds ?? p.seeds }, (_, k) => rates.map((rate) => ({ size, seed: k + 1, rate }))).flat());
  const jobs: SweepJob[] = selectShard(units, o.shard).map(({ size, seed, rate }) => {
    const stem = jobStem(size, seed, iterations);
    const folder = rateFolder(dir, rate);
    return {
      label: `${sizeLabel(size)} seed ${seed}${rate === DEFAULT_LEARNING_RATE ? '' : ` lr ${rate}`}`,
      files: [...variants.map((v) => join(folder, `${stem}-${variantSlug(v)}.csv`)), join(folder, `${stem}.json`)],
      work: variants.length * iterations,
      weight: (size.neurons * size.neurons * size.layers) / 1e4 + 1,
      async run(tick) {
        const s = split();
        recordSplit(folder, s.record);
        const measured = await startMeasuring(policyOf(x), say);
        const identity = trainIdentity(s);
        const runs = variants.map((v) => newRun(s, identity, size, v, seed, { shuffle: x.shuffle, lr: rate }));
        for (let done = 0; done < iterations; ) {
          const target = Math.min(iterations, done + progressEvery);
          await advanceRuns(runs, target, { iterations, progressEvery, validation, onIteration: () => tick() });
          done = target;
        }
        const unit = measured();
        const summary = {
          kind: 'verdict', size: sizeLabel(size), seed, iterations, learning_rate: rate, progress_every: progressEvery, validation,
          unit, machine: describeMachine(), finished: new Date().toISOString(),
          runs: runs.map((r) => runSummary(r, p.sampleChars, `${stem}-${variantSlug(r.variant)}.csv`)),
          skipped: skipped.map((k) => ({ variant: k.variant.id, reason: k.reason })),
        };
        return [...runs.map((r) => verdictCsv(r.rows)), JSON.stringify(summary, null, 2) + '\n'];
      },
    };
  });
  if (jobs.some((j) => !isComplete(j))) {
    const tooBig = sizesMemoryProblem(x.sizes ?? p.sizes, split().vocab.length);
    if (tooBig) throw new UserError(tooBig);
  }
  prepareOutputDir(dir, 'sweep verdict: output folder');
  await runJobs(jobs, {
    name: 'verdict', quiet: o.quiet,
    describe: (job, _c, seconds) => `${job.label}: ${variants.length} variants × ${iterations} iterations, interleaved, in ${seconds.toFixed(0)} s → ${dirname(job.files[0])}`,
  });
  return dir;
}

// ------------------------------------------------------------------ verdict-long (checkpointed)

/** What checkpoints/<job>.json says: where every run of the job stands, and the sessions so far. */
interface LongManifest {
  iteration: number;
  runs: { variant: string; file: string; rows: Record<string, string | number>[] }[];
  segments: MeasuredUnit[];
}

interface LongJobContext {
  dir: string;
  ckDir: string;
  split: () => SplitCorpus;
  profile: VerdictLongProfile;
  iterations: number;
  validation: ValidationPolicy;
  policy: LoadPolicy;
  say: (line: string) => void;
  skipped: { variant: Variant; reason: string }[];
  /** new runs read their windows shuffled (a resumed one keeps its checkpoint's order) */
  shuffle?: boolean;
}

/**
 * One checkpointed job: the given variants trained interleaved (all of them, or one with --per-variant),
 * continuing from the job's manifest when there is one. Files: a CSV per variant and the job's JSON.
 */
function longJob(cx: LongJobContext, wanted: readonly Variant[], name: string): SweepJob & { manifestFile: string } {
  const { dir, ckDir, profile: p, iterations, validation } = cx;
  const stem = longStem(p.size, iterations);
  const manifestFile = join(ckDir, `${name}.json`);
  const manifest: LongManifest | undefined = existsSync(manifestFile) ? (JSON.parse(readFileSync(manifestFile, 'utf8')) as LongManifest) : undefined;
  // a resumed job keeps the variants it started with (a build with more kernels does not restart it)
  const variants = manifest ? manifest.runs.map((r) => parseVariantId(r.variant)!) : [...wanted];
  const progressEvery = Math.min(p.progressEvery, iterations);
  return {
    label: `${sizeLabel(p.size)} ${variants.map((v) => v.id).join(' ')}`,
    manifestFile,
    files: [...variants.map((v) => join(dir, `${stem}-${variantSlug(v)}.csv`)), join(dir, `${name}.json`)],
    work: variants.length * iterations,
    async run(tick) {
      const s = cx.split();
      recordSplit(dir, s.record);
      prepareOutputDir(ckDir, 'sweep verdict-long: checkpoint folder');
      const identity = trainIdentity(s);
      const segment = await startMeasuring(cx.policy, cx.say);
      let runs: VerdictRun[];
      let start = 0;
      if (manifest) {
        runs = manifest.runs.map((m, k) => {
          const v = variants[k];
          // the variant comes from the manifest, so a checkpoint file that does not record gate and
          // implementation still resumes as what it was trained as
          const data = readModelFile(join(ckDir, m.file));
          const trainer = Trainer.resume({ ...data, config: { ...data.config, cell: v.spec } }, identity);
          const got = trainer.net.config.cell;
          if (!sameCell(got, v.spec)) {
            throw new UserError(`checkpoint ${m.file} resumes as ${got.activation}/${got.gate}/${got.impl}, not ${v.id}; delete ${ckDir} to start over`);
          }
          return { variant: v, seed: trainer.options.seed, trainer, validator: new Validator(trainer.net, s.validationIds, DEFAULT_TRAINER.window), rows: m.rows };
        });
        start = manifest.iteration;
        cx.say(`resuming ${variants.length} run${variants.length === 1 ? '' : 's'} at iteration ${start} of ${iterations} from ${ckDir}`);
        tick(start * variants.length);
      } else {
        runs = variants.map((v) => newRun(s, identity, p.size, v, 1, { shuffle: cx.shuffle }));
      }
      const segments = [...(manifest?.segments ?? [])];
      for (let done = start; done < iterations; ) {
        const target = Math.min(iterations, done + progressEvery);
        await advanceRuns(runs, target, { iterations, progressEvery, validation, onIteration: () => tick() });
        done = target;
        if (done < iterations && done % p.checkpointEvery === 0) saveLongCheckpoint(ckDir, manifestFile, runs, done, [...segments, segment()]);
      }
      segments.push(segment());
      const summary = {
        kind: 'verdict-long', size: sizeLabel(p.size), iterations, progress_every: progressEvery, checkpoint_every: p.checkpointEvery, validation,
        segments, machine: describeMachine(), finished: new Date().toISOString(),
        runs: runs.map((r) => runSummary(r, p.sampleChars, `${stem}-${variantSlug(r.variant)}.csv`)),
        skipped: cx.skipped.filter((k) => !variants.some((v) => v.id === k.variant.id)).map((k) => ({ variant: k.variant.id, reason: k.reason })),
      };
      return [...runs.map((r) => verdictCsv(r.rows)), JSON.stringify(summary, null, 2) + '\n'];
    },
  };
}

/**
 * Runs the long verdict, every job continuing from its last checkpoint when it has one; returns the
 * output folder. By default one job trains all variants interleaved (the same load for all: the fair time
 * comparison on one machine); `--per-variant` makes one job per variant, so that shards can run the
 * variants on separate machines (their times then compare only in CPU time, and only on equal machines).
 */
export async function runVerdictLongSweep(o: VerdictSweepOptions): Promise<string> {
  const p = verdictLongProfile(o.quick);
  const x = o.extra;
  const iterations = o.iterations ?? p.iterations;
  const dir = o.out ?? verdictLongDir(o.quick, machineSlug(), o.corpus);
  const say = log(o.quiet, 'verdict-long');
  const wanted = availableVariants(x.variants ?? allVariants());
  let cached: SplitCorpus | undefined;
  const cx: LongJobContext = {
    dir, ckDir: join(dir, 'checkpoints'), split: () => (cached ??= loadSplitCorpus(o.corpus, VALIDATION_FRACTION, x.heldOut)), profile: p, iterations,
    validation: { ...p.validation, rowChars: x.valChars ?? p.validation.rowChars }, policy: policyOf(x), say, skipped: wanted.skipped, shuffle: x.shuffle,
  };
  const stem = longStem(p.size, iterations);
  const jobs = x.perVariant ? wanted.run.map((v) => longJob(cx, [v], `${stem}-${variantSlug(v)}`)) : [longJob(cx, wanted.run, stem)];
  const mine = selectShard(jobs, o.shard);
  if (mine.some((j) => !isComplete(j))) for (const k of wanted.skipped) say(`skipping ${k.variant.id}: ${k.reason}`);
  prepareOutputDir(dir, 'sweep verdict-long: output folder');
  const res = await runJobs(mine, {
    name: 'verdict-long', quiet: o.quiet,
    describe: (j, _c, seconds) => `${j.label} × ${iterations} iterations${j.work > iterations ? ', interleaved' : ''}, this session ${seconds.toFixed(0)} s → ${dir}`,
  });
  // a finished job's results are written: its checkpoints have served
  for (const j of mine.filter((j) => res.ran.includes(j.label))) removeLongCheckpoints(cx.ckDir, j.manifestFile);
  return dir;
}

/**
 * Every run's checkpoint at iteration `done`, then the manifest naming them (written last, atomically: a
 * manifest always names complete files), then the job's previous checkpoints are removed.
 */
function saveLongCheckpoint(ckDir: string, manifestFile: string, runs: VerdictRun[], done: number, segments: MeasuredUnit[]): void {
  const old = existsSync(manifestFile) ? (JSON.parse(readFileSync(manifestFile, 'utf8')) as LongManifest).runs.map((r) => r.file) : [];
  const entries = runs.map((r) => {
    const file = `${variantSlug(r.variant)}-at${done}.lstm`;
    writeModelFile(join(ckDir, file), r.trainer.checkpoint());
    return { variant: r.variant.id, file, rows: r.rows.map((row) => ({ ...row }) as Record<string, string | number>) };
  });
  writeFileAtomic(manifestFile, JSON.stringify({ iteration: done, runs: entries, segments } satisfies LongManifest) + '\n');
  for (const f of old) if (!entries.some((e) => e.file === f)) rmSync(join(ckDir, f), { force: true });
}

/** A finished job's manifest and checkpoint files; the folder too once it is empty. */
function removeLongCheckpoints(ckDir: string, manifestFile: string): void {
  if (existsSync(manifestFile)) {
    for (const r of (JSON.parse(readFileSync(manifestFile, 'utf8')) as LongManifest).runs) rmSync(join(ckDir, r.file), { force: true });
    rmSync(manifestFile, { force: true });
  }
  if (existsSync(ckDir) && readdirSync(ckDir).length === 0) rmSync(ckDir, { recursive: true, force: true });
}

// ------------------------------------------------------------------ registration

export const verdictSweep: SweepKind = {
  name: 'verdict',
  description: 'tanh, isru, all-isru × scalar/simd, seeds paired, held-out loss (results/verdict)',
  options: [
    ...commonOptions(),
    new Option('--seeds <n>', "train seeds 1..n (default: the profile's)").argParser(positiveInt('--seeds')),
    new Option('--sizes <list>', "network sizes, e.g. 1x32,2x128, or net-size for the network-size sweep's grid (default: the profile's)").argParser(parseSizesFlag),
    new Option('--lr <rates>', `Adam learning rates, e.g. 3e-4,1e-3,3e-3,1e-2: every size and seed at each (default ${DEFAULT_LEARNING_RATE}; another rate's runs go to lr-<rate>/ inside the output folder)`).argParser(parseRates),
  ],
  run: (o: SweepOptions) => runVerdictSweep({ ...o, extra: o.extra as VerdictExtra }),
};

export const verdictLongSweep: SweepKind = {
  name: 'verdict-long',
  description: 'one 4x128 run per variant, 100k iterations, checkpointed and resumable (results/verdict-long)',
  options: [...commonOptions(), new Option('--per-variant', 'one job per variant instead of all interleaved (to shard the variants over machines)')],
  run: (o: SweepOptions) => runVerdictLongSweep({ ...o, extra: o.extra as VerdictExtra }),
};
