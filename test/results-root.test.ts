/**
 * Results as a dataset of machines: which machine a reader is shown (the committed reference, this
 * machine, a named one), how each root is labelled, and how a machine is named. Every loader takes a
 * selection, so a machine whose CPU matches no results folder still reads the reference study.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hardwareSlug, machineSlug, MACHINE_ENV, slugProblem } from '../src/io/machine';
import { resultsPath, RESULTS_ENV } from '../src/io/paths';
import { MissingResultsError, readResults } from '../src/io/results';
import { chooseRoots, firstLoadable, machineFolder, machineRoots, profileFolder, readReference, referenceRoot, rootLabel, thisMachineRoots } from '../src/io/results-root';
import { loadVerdict } from '../src/studies/verdict/analysis';
import { besideReference, besideRows } from '../src/stats/beside';
import { estimate } from '../src/stats/stats';
import { withTempDir } from './helpers/temp';
import { runCli } from './helpers/cli';

/** Runs `fn` with environment variables set, restoring them afterwards. */
function withEnv<T>(vars: Record<string, string | undefined>, fn: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(vars)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  try {
    return fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  }
}

test('the machine slug: the hardware by default, LSTM_OPT_MACHINE when set, and only file-name-safe names', () => {
  const info = { cpuModel: 'Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz', cores: 2, os: 'linux', arch: 'x64', node: 'v20.20.2', v8: '11', memoryGiB: 24 };
  assert.equal(hardwareSlug(info), 'intel-xeon-platinum-8375c-2c-node20');
  assert.equal(hardwareSlug({ ...info, cpuModel: 'AMD EPYC 9B14 96-Core Processor' }), 'amd-epyc-9b14-2c-node20');
  withEnv({ [MACHINE_ENV]: 'lab-host-7' }, () => assert.equal(machineSlug(), 'lab-host-7'));
  withEnv({ [MACHINE_ENV]: '' }, () => assert.match(machineSlug(), /-\d+c-node\d+$/));
  for (const bad of ['../x', 'Upper', 'a b', '', '-lead', 'x'.repeat(81)]) assert.ok(slugProblem(bad), bad);
  withEnv({ [MACHINE_ENV]: '../etc' }, () => assert.throws(() => machineSlug(), /LSTM_OPT_MACHINE: "\.\.\/etc" is not a machine name/));
  // the command line says so in one line, exit 2
  const r = runCli(['answer', '--print'], { env: { [MACHINE_ENV]: 'No Way' } });
  assert.equal(r.code, 0, 'answer reads the reference study and never this machine, whatever it is called');
  // a real run, which names its output after this machine, refuses the name before measuring anything
  const t = runCli(['weather', '--quick', '--quiet', '--variants', 'tanh/scalar'], { env: { [MACHINE_ENV]: 'No Way', [RESULTS_ENV]: '/nonexistent-results' } });
  assert.equal(t.code, 2);
  assert.equal(t.stderr.trim().split('\n').length, 1, t.stderr);
  assert.match(t.stderr, /^lstm-opt: LSTM_OPT_MACHINE: "No Way" is not a machine name/);
});

test('the committed reference study names a machine whose full results exist', () => {
  const ref = readReference();
  assert.equal(ref.profile, 'full');
  assert.ok(ref.description.length > 20, 'the reference says where it was measured');
  const root = referenceRoot();
  assert.deepEqual(root, { dir: resultsPath(), machine: ref.machine, profile: 'full' });
  const log = console.log;
  console.log = () => undefined;
  try {
    assert.ok(loadVerdict(root), 'the reference machine has verdict results');
  } finally {
    console.log = log;
  }
});

test('choosing roots: reference, this machine (full then quick), or a named machine; folders per profile', () => withTempDir('lstm-opt-roots-', (dir) => {
  writeFileSync(join(dir, 'reference.json'), JSON.stringify({ machine: 'ref-2c', profile: 'full', description: 'a test reference' }));
  assert.deepEqual(chooseRoots('reference', dir), [{ dir, machine: 'ref-2c', profile: 'full' }]);
  withEnv({ [MACHINE_ENV]: 'mine-2c' }, () => {
    assert.deepEqual(chooseRoots('this', dir), [{ dir, machine: 'mine-2c', profile: 'full' }, { dir, machine: 'mine-2c', profile: 'quick' }]);
    assert.deepEqual(thisMachineRoots(dir), chooseRoots('this', dir));
    assert.equal(rootLabel({ dir, machine: 'ref-2c', profile: 'full' }), 'ref-2c, full profile (the reference study)');
    assert.equal(rootLabel({ dir, machine: 'mine-2c', profile: 'quick' }), 'mine-2c, quick profile (this machine: a mechanics check, not for conclusions)');
    assert.equal(rootLabel({ dir, machine: 'other-2c', profile: 'full' }), 'other-2c, full profile');
  });
  assert.deepEqual(chooseRoots('other-2c', dir), machineRoots('other-2c', dir));
  assert.throws(() => chooseRoots('Not A Slug', dir), /MACHINE: .* or 'reference' or 'this'/);
  assert.equal(machineFolder({ dir, machine: 'm', profile: 'quick' }, 'verdict'), join(dir, 'verdict', 'm', 'quick'));
  assert.equal(profileFolder({ dir, machine: 'm', profile: 'full' }, 'weather'), join(dir, 'weather'));
  writeFileSync(join(dir, 'reference.json'), JSON.stringify({ machine: '../up', profile: 'full' }));
  assert.throws(() => readReference(dir), /is not a machine name/);
  writeFileSync(join(dir, 'reference.json'), JSON.stringify({ machine: 'ok', profile: 'medium' }));
  assert.throws(() => readReference(dir), /"profile" must be "full" or "quick"/);
}));

test('firstLoadable: absent results move on to the next root; a malformed file or any other error stops it', () => {
  const roots = machineRoots('m', '/nowhere');
  const missing = (r: { profile: string }) => {
    if (r.profile === 'full') throw new MissingResultsError('/nowhere/x', 'No results yet at', 'cmd', 'absent');
    return r.profile;
  };
  assert.deepEqual(firstLoadable(roots, missing), { root: roots[1], value: 'quick' });
  assert.equal(firstLoadable(roots, () => { throw new MissingResultsError('/x', 'No', 'c'); }), undefined);
  const malformed = (r: { profile: string }) => {
    if (r.profile === 'full') throw new MissingResultsError('/nowhere/x.csv', 'Cannot parse', 'cmd', 'malformed');
    return r.profile;
  };
  assert.throws(() => firstLoadable(roots, malformed), (e: unknown) => e instanceof MissingResultsError && e.kind === 'malformed');
  assert.throws(() => firstLoadable(roots, () => { throw new Error('bad column'); }), /bad column/);
});

test('firstLoadable over real files: a malformed full profile is an error naming the file, an absent one falls back to quick', () => withTempDir('lstm-opt-first-', (dir) => {
  const roots = machineRoots('m-2c', dir);
  const source = { command: 'lstm-opt toy', columns: ['func', 'loss'], numeric: ['loss'] };
  const read = (r: (typeof roots)[number]) => readResults(join(machineFolder(r, 'toy'), 'runs.csv'), source);
  mkdirSync(machineFolder(roots[1], 'toy'), { recursive: true });
  writeFileSync(join(machineFolder(roots[1], 'toy'), 'runs.csv'), 'func,loss\ntanh,1.5\n');
  assert.deepEqual(firstLoadable(roots, read), { root: roots[1], value: [{ func: 'tanh', loss: 1.5 }] });
  writeFileSync(join(machineFolder(roots[0], 'toy'), 'runs.csv'), 'func,loss\ntanh,not-a-number\n');
  assert.throws(() => firstLoadable(roots, read), (e: unknown) =>
    e instanceof MissingResultsError && e.kind === 'malformed' && e.message.includes(join('toy', 'm-2c', 'runs.csv')) && /1 malformed row/.test(e.message));
  writeFileSync(join(machineFolder(roots[0], 'toy'), 'runs.csv'), 'func,loss\ntanh,1.25\n');
  assert.deepEqual(firstLoadable(roots, read), { root: roots[0], value: [{ func: 'tanh', loss: 1.25 }] });
}));

test('beside the reference: a note without this machine\'s name when it has no results, else one row per headline and machine', () => withTempDir('lstm-opt-beside-', (dir) => {
  writeFileSync(join(dir, 'reference.json'), JSON.stringify({ machine: 'ref-2c', profile: 'full', description: 'x' }));
  const values: Record<string, number[]> = { 'ref-2c/full': [0.1, 0.2, 0.3], 'mine-2c/quick': [0.5, 0.5] };
  const study = {
    measure: 'saving', unit: '%' as const,
    commands: { what: 'toy', full: 'lstm-opt toy', fullTime: 'an hour', quick: 'lstm-opt toy --quick', quickTime: 'a minute' },
    read: (r: { machine: string; profile: string }) => {
      const v = values[`${r.machine}/${r.profile}`];
      if (!v) throw new MissingResultsError(join(dir, r.machine), 'No results yet in', 'lstm-opt toy');
      return v;
    },
    headlines: (v: number[]) => [{ figure: 'isru/scalar', estimate: estimate(v) }, ...(v.length === 3 ? [{ figure: 'isru/simd', estimate: estimate([0.05]) }] : [])],
  };
  const shown = { root: { dir, machine: 'ref-2c', profile: 'full' as const }, value: values['ref-2c/full'] };
  const none = besideReference(study, shown, machineRoots('nobody-2c', dir));
  assert.deepEqual(none.sides, []);
  assert.equal(none.note, "This machine has no toy results of its own yet: `lstm-opt toy --quick` measures a quick mechanics check (a minute) and `lstm-opt toy` the full profile (an hour); re-run this cell to see them beside ref-2c's.");
  assert.match(besideReference(study, shown, machineRoots('ref-2c', dir)).note, /^This machine's results are the ones shown above/);
  const b = withEnv({ [MACHINE_ENV]: 'mine-2c' }, () => besideReference(study, shown, machineRoots('mine-2c', dir)));
  assert.equal(b.sides.length, 2);
  const rows = besideRows(b, '%');
  // mean 0.2, t(0.975, 2) = 4.302653, s = 0.1: 0.2 ± 0.248416
  assert.deepEqual(rows, [
    { figure: 'isru/scalar', 'ref-2c': '20.0% [-4.8%, 44.8%] (n = 3)', 'mine-2c (quick)': '50.0% [50.0%, 50.0%] (n = 2)' },
    { figure: 'isru/simd', 'ref-2c': '5.0% (n = 1)', 'mine-2c (quick)': '' },
  ]);
  mkdirSync(join(dir, 'unused'));
}));
