import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../src/io/paths';

const root = projectRoot();

test('bootstrap is idempotent: a second run installs nothing and says nothing', () => {
  // npm test ran the bootstrap just before this file, so everything is in place.
  const run = spawnSync('bash', [join(root, 'scripts', 'bootstrap.sh')], { cwd: root, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stderr.trim(), '', `expected a silent no-op, got:\n${run.stderr}`);
});

test('the .venv has the TypeScript kernel, running this repo\'s own tslab', () => {
  const run = spawnSync(join(root, '.venv', 'bin', 'jupyter'), ['kernelspec', 'list', '--json'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const specs = JSON.parse(run.stdout).kernelspecs as Record<string, { spec: { argv: string[]; display_name: string } }>;
  assert.ok(specs.tslab, `kernelspecs: ${Object.keys(specs).join(', ')}`);
  assert.equal(specs.tslab.spec.display_name, 'TypeScript');
  assert.equal(specs.tslab.spec.argv[0], join(root, 'node_modules', '.bin', 'tslab'));
});

test('JupyterLab has the Plotly renderer extension that draws the charts interactively', () => {
  const run = spawnSync(join(root, '.venv', 'bin', 'jupyter'), ['labextension', 'list'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.match(`${run.stdout}${run.stderr}`, /jupyterlab-plotly v\S+ .*enabled.*OK/);
});
