/**
 * `npm start`: regenerate results (quick profiles), execute every notebook in place, export every chart.
 * `npm start -- --full` runs the full experiment profiles instead of the quick ones.
 * The bootstrap (scripts/bootstrap.sh) has already run when this starts.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../src/io/paths';

const root = projectRoot();
const full = process.argv.includes('--full');
const cli = join(root, 'bin', 'lstm-opt.js');

/** Experiments in the order their notebooks read them; each is a `lstm-opt` command line. */
const experiments: { name: string; quick: string[]; full: string[] }[] = [
  { name: 'activation tables (results/activations)', quick: ['activations', '--quiet'], full: ['activations', '--quiet'] },
  { name: 'math-bench: cost of each math function and activation (results/math-bench)', quick: ['math-bench', '--quick', '--quiet'], full: ['math-bench', '--quiet'] },
  { name: 'train 2x100 tanh on SOTU (progress + model)', quick: ['train', '--layers', '2', '--neurons', '100', '--iterations', '200', '--progress-every', '50', '--save', 'results/train/2x100-tanh', '--quiet'], full: ['train', '--layers', '2', '--neurons', '100', '--iterations', '20000', '--progress-every', '500', '--save', 'results/train/2x100-tanh', '--quiet'] },
  { name: 'weather predictor: cells x variants (results/weather)', quick: ['weather', '--quick', '--quiet'], full: ['weather', '--quiet'] },
  { name: 'network-size sweep: layers x neurons, every variant vs tanh/scalar (results/net-size)', quick: ['sweep', 'net-size', '--quick', '--quiet'], full: ['sweep', 'net-size', '--quiet'] },
  { name: 'single- vs multi-threaded training (results/mt)', quick: ['sweep', 'mt', '--quick', '--quiet'], full: ['sweep', 'mt', '--quiet'] },
  { name: 'float vs double: every variant of 5x100 in f32 and f64 (results/precision)', quick: ['sweep', 'precision', '--quick', '--quiet'], full: ['sweep', 'precision', '--quiet'] },
  { name: 'framework test: TensorFlow.js MNIST LSTM, tanh vs ISRU (results/framework)', quick: ['sweep', 'framework', '--quick', '--quiet'], full: ['sweep', 'framework', '--quiet'] },
  { name: 'framework kernel profile: tanh, ISRU, linear (results/framework)', quick: ['sweep', 'framework-ops', '--quick', '--quiet'], full: ['sweep', 'framework-ops', '--quiet'] },
  { name: 'the verdict: tanh, isru, all-isru × scalar/simd, paired seeds, held-out loss (results/verdict)', quick: ['sweep', 'verdict', '--quick', '--quiet'], full: ['sweep', 'verdict', '--quiet'] },
  { name: 'the verdict long run: one run per variant, checkpointed (results/verdict-long)', quick: ['sweep', 'verdict-long', '--quick', '--quiet'], full: ['sweep', 'verdict-long', '--quiet'] },
];

function step(title: string, command: string, args: string[]): void {
  const started = Date.now();
  console.log(`\n=== ${title}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    console.error(`npm start: '${title}' failed (exit ${result.status ?? result.signal}) after ${seconds}s`);
    process.exit(1);
  }
  console.log(`=== ${title}: done in ${seconds}s`);
}

for (const e of experiments) step(`experiment: ${e.name}`, process.execPath, [cli, ...(full ? e.full : e.quick)]);

const notebooks = readdirSync(join(root, 'notebooks'))
  .filter((f) => f.endsWith('.ipynb'))
  .sort()
  .map((f) => join('notebooks', f));
step('execute notebooks in place', join(root, '.venv', 'bin', 'python'), [join(root, 'scripts', 'run_notebooks.py'), ...notebooks]);
step('export charts to results/charts', process.execPath, [cli, 'charts', '--png']);
// last: the README's answer from whatever results now exist (missing ones are named with their command)
step("README answer from the results", process.execPath, [cli, 'answer']);
