/**
 * `npm start` re-executes every notebook in place. Re-executing over unchanged results must rewrite a
 * notebook byte for byte, so that `git status` stays clean: scripts/run_notebooks.py saves notebooks
 * without volatile metadata (execution timestamps and the like). Tested on the stripping function and on
 * a real re-execution through the tslab kernel inside a throw-away git repository.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../src/io/paths';

const root = projectRoot();
const python = join(root, '.venv', 'bin', 'python');
const script = join(root, 'scripts', 'run_notebooks.py');
const skip = !existsSync(python) && 'the .venv is missing (npm run bootstrap)';

test('strip_volatile removes execution timestamps and view state, and keeps everything else', { skip }, () => {
  const nb = {
    nbformat: 4, nbformat_minor: 5,
    metadata: { kernelspec: { name: 'tslab' }, papermill: { duration: 1.5 }, widgets: {} },
    cells: [
      { cell_type: 'code', execution_count: 3, id: 'a', source: 'x', outputs: [], metadata: { tags: ['keep'], collapsed: false, scrolled: true, execution: { 'iopub.status.busy': '2026-01-01T00:00:00Z' } } },
      { cell_type: 'markdown', id: 'b', source: '# t', metadata: {} },
    ],
  };
  const code = `import json, sys; sys.path.insert(0, ${JSON.stringify(join(root, 'scripts'))}); from run_notebooks import strip_volatile; print(json.dumps(strip_volatile(json.load(sys.stdin))))`;
  const r = spawnSync(python, ['-c', code], { input: JSON.stringify(nb), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), {
    ...nb,
    metadata: { kernelspec: { name: 'tslab' } },
    cells: [{ ...nb.cells[0], metadata: { tags: ['keep'] } }, nb.cells[1]],
  });
});

test('re-executing an unchanged notebook leaves git status clean', { skip, timeout: 300_000 }, () => {
  const repo = mkdtempSync(join(tmpdir(), 'lstm-opt-nbgit-'));
  const git = (...args: string[]): string => {
    const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], { cwd: repo, encoding: 'utf8' });
    assert.equal(r.status, 0, `git ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const nb = {
    nbformat: 4, nbformat_minor: 5,
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
    cells: [
      { cell_type: 'markdown', id: 'intro', metadata: {}, source: '# A result' },
      { cell_type: 'code', id: 'compute', metadata: {}, execution_count: null, outputs: [], source: 'const answer = 6 * 7;\nconsole.log(`answer ${answer}`);' },
      { cell_type: 'code', id: 'value', metadata: {}, execution_count: null, outputs: [], source: 'answer / 2' },
    ],
  };
  const path = join(repo, 'result.ipynb');
  writeFileSync(path, JSON.stringify(nb, null, 1));
  git('init', '-q');
  const execute = (): void => {
    const r = spawnSync(python, [script, '--timeout', '120', path], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  };
  execute();
  const first = readFileSync(path, 'utf8');
  assert.match(first, /answer 42/, 'the notebook was executed');
  assert.doesNotMatch(first, /iopub|execute_reply|"execution"/, 'no execution timestamps are saved');
  git('add', 'result.ipynb');
  git('commit', '-qm', 'executed');
  execute();
  assert.equal(git('status', '--porcelain'), '', 'the second execution changed the notebook');
  assert.equal(readFileSync(path, 'utf8'), first);
});
