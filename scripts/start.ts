/**
 * `npm start`: the study as committed, re-rendered on this machine. It executes every notebook in place
 * against the reference study (results/reference.json), exports every chart and rewrites the README's
 * answer from the reference. It measures nothing, so on any machine the files it writes are the
 * committed ones, byte for byte, and a second run changes nothing.
 *
 *   npm start                   render the reference study
 *   npm start -- --measure      first measure this machine's quick profiles that are missing (a mechanics
 *                               check of every experiment); the notebooks then show them beside the reference
 *   npm start -- --measure --fresh   re-measure them even when they exist
 *   npm start -- --full         measure this machine's full profiles first (hours)
 *
 * Each step prints its expected duration before it starts and its actual one when done, and the last line
 * the total (expected durations: scripts/start-durations.ts).
 *
 * The bootstrap (scripts/bootstrap.sh) has already run when this starts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot, resultsPath } from '../src/io/paths';
import { machineSlug } from '../src/io/machine';
import { firstLoadable, profileFolder, ResultsRoot, thisMachineRoots } from '../src/io/results-root';
import * as headlines from '../src/analysis/headlines';
import { duration, EXPECTED_SECONDS, expectedSeconds, QUICK_STEPS } from './start-durations';
import { readFrameworkOpsRoot } from '../src/studies/framework-test/analysis';

const root = projectRoot();
const args = process.argv.slice(2);
const full = args.includes('--full');
const measure = full || args.includes('--measure');
const fresh = args.includes('--fresh');
const unknown = args.filter((a) => !['--full', '--measure', '--fresh'].includes(a));
if (unknown.length) {
  console.error(`npm start: unknown option ${unknown.join(' ')} (known: --measure, --fresh, --full)`);
  process.exit(2);
}
const cli = join(root, 'bin', 'lstm-opt.js');

/** Whether this machine already has results of an experiment (full, or quick when quick ones are asked for). */
type HasResults = (roots: readonly ResultsRoot[]) => boolean;
const hasStudy = (read: (r: ResultsRoot) => unknown): HasResults => (roots) => firstLoadable(roots, read) !== undefined;
const hasMathBench: HasResults = (roots) => roots.some((r) => existsSync(join(profileFolder(r, 'math-bench'), `${r.machine}.csv`)));

/** This machine's experiments in the order their notebooks read them; each is an `npx lstm-opt` command line. */
const experiments: { name: string; quick: string[]; full: string[]; has: HasResults }[] = [
  { name: 'math-bench: cost of each math function and activation', quick: ['math-bench', '--quick', '--quiet'], full: ['math-bench', '--quiet'], has: hasMathBench },
  { name: 'weather predictor: cells x variants', quick: ['weather', '--quick', '--quiet'], full: ['weather', '--quiet'], has: hasStudy(headlines.weatherHeadlines.read) },
  { name: 'network-size sweep: layers x neurons, every variant vs tanh/scalar', quick: ['sweep', 'net-size', '--quick', '--quiet'], full: ['sweep', 'net-size', '--quiet'], has: hasStudy(headlines.netSizeHeadlines.read) },
  { name: 'single- vs multi-threaded training', quick: ['sweep', 'mt', '--quick', '--quiet'], full: ['sweep', 'mt', '--quiet'], has: hasStudy(headlines.mtHeadlines.read) },
  { name: 'float vs double: every variant of 5x100 in f32 and f64', quick: ['sweep', 'precision', '--quick', '--quiet'], full: ['sweep', 'precision', '--quiet'], has: hasStudy(headlines.precisionHeadlines.read) },
  { name: 'framework test: TensorFlow.js MNIST LSTM, tanh vs ISRU', quick: ['sweep', 'framework', '--quick', '--quiet'], full: ['sweep', 'framework', '--quiet'], has: hasStudy(headlines.frameworkHeadlines.read) },
  { name: 'framework kernel profile: tanh, ISRU, linear', quick: ['sweep', 'framework-ops', '--quick', '--quiet'], full: ['sweep', 'framework-ops', '--quiet'], has: hasStudy(readFrameworkOpsRoot) },
  { name: 'the verdict: tanh, isru, all-isru x scalar/simd, paired seeds, held-out loss', quick: ['sweep', 'verdict', '--quick', '--quiet'], full: ['sweep', 'verdict', '--quiet'], has: hasStudy(headlines.verdictHeadlines.read) },
  { name: 'the verdict long run: one run per variant, checkpointed', quick: ['sweep', 'verdict-long', '--quick', '--quiet'], full: ['sweep', 'verdict-long', '--quiet'], has: hasStudy(headlines.longRunHeadlines.read) },
];

/**
 * Every step runs with --quiet (its own progress would drown the steps), so the line before it says how long
 * it usually takes and the line after compares: a long silent step is then expected, not a hang.
 */
function step(title: string, expected: number | undefined, command: string, stepArgs: string[]): void {
  const started = Date.now();
  const usually = expected === undefined ? 'no expected duration recorded' : `expected ${duration(expected)}`;
  expectedAll += expected ?? 0;
  console.log(`\n=== ${title} (${usually})`);
  const result = spawnSync(command, stepArgs, { cwd: root, stdio: 'inherit' });
  const took = duration((Date.now() - started) / 1000);
  if (result.status !== 0) {
    console.error(`npm start: '${title}' failed (exit ${result.status ?? result.signal}) after ${took}`);
    process.exit(1);
  }
  console.log(`=== ${title}: done in ${took} (${usually})`);
}

const machine = machineSlug();
const startedAll = Date.now();
let expectedAll = 0; // seconds, over the steps that have an expected duration
if (measure) {
  // full results count for a quick request too: a machine that has them needs no mechanics check
  const roots = thisMachineRoots(resultsPath());
  const wanted = full ? roots.filter((r) => r.profile === 'full') : roots;
  for (const e of experiments) {
    if (!fresh && e.has(wanted)) {
      console.log(`\n=== ${e.name}: ${machine} has ${full ? 'full' : ''} results already (--fresh measures again)`.replace('  ', ' '));
      continue;
    }
    const args = full ? e.full : e.quick;
    step(`${machine}, ${full ? 'full' : 'quick'} profile: ${e.name}`, expectedSeconds(args), process.execPath, [cli, ...args]);
  }
}

step('activation tables (results/activations)', EXPECTED_SECONDS['activations'], process.execPath, [cli, 'activations', '--quiet']);
const notebooks = readdirSync(join(root, 'notebooks'))
  .filter((f) => f.endsWith('.ipynb'))
  .sort()
  .map((f) => join('notebooks', f));
step('execute notebooks in place', EXPECTED_SECONDS['notebooks'], join(root, '.venv', 'bin', 'python'), [join(root, 'scripts', 'run_notebooks.py'), ...notebooks]);
step('export charts to results/charts', EXPECTED_SECONDS['charts --png'], process.execPath, [cli, 'charts', '--png']);
step('README answer from the reference study', EXPECTED_SECONDS['answer'], process.execPath, [cli, 'answer']);
console.log(`\nnpm start: done in ${duration((Date.now() - startedAll) / 1000)} (expected ${duration(expectedAll)}, after the set-up)`);
if (!measure) console.log(`\nThe notebooks show the reference study. To see ${machine} beside it: npm start -- --measure (the quick profiles, about ${duration(QUICK_STEPS.reduce((sum, key) => sum + EXPECTED_SECONDS[key], 0))} before the rendering), or one experiment's command as each notebook's last cell names it.`);
