/**
 * Messages and docs name the command line one way, `npx lstm-opt …` (src/command-name.ts): that form
 * must run from a checkout, and no message may spell the command another way (a bare `lstm-opt sweep …`
 * is not on the PATH; `node bin/lstm-opt.js` only works from the project root).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../src/io/paths';
import { CLI_NAME, command } from '../src/command-name';

test('the command messages name runs from inside the checkout (a subfolder, as a notebook runs) without the registry', () => {
  assert.equal(command('sweep', 'verdict', '--quick'), `${CLI_NAME} sweep verdict --quick`);
  // offline: a missing "bin" must fail here, not quietly fetch some package of that name
  const r = spawnSync('sh', ['-c', command('--version')], { cwd: join(projectRoot(), 'notebooks'), encoding: 'utf8', timeout: 60_000, env: { ...process.env, npm_config_offline: 'true' } });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version);
});

/** Code lines (not comments) of every TypeScript file under a folder. */
function codeLines(dir: string): { where: string; line: string }[] {
  const out: { where: string; line: string }[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const file = join(entry.parentPath, entry.name);
    readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
      if (!/^\s*(\*|\/\/|\/\*)/.test(line)) out.push({ where: `${file.slice(projectRoot().length + 1)}:${i + 1}`, line });
    });
  }
  return out;
}

test('no message spells a command other than through command(): no bare `lstm-opt <command>`, no `node bin/lstm-opt.js`', () => {
  // "lstm-opt weather: …" is a diagnostic's prefix (who is speaking), not a command to run
  const other = /(?<!npx )\blstm-opt (sweep|train|answer|weather|math-bench|charts|activations|generate|gradcheck)\b(?!:)|node bin\/lstm-opt\.js/;
  const found = ['src', 'scripts'].flatMap((d) => codeLines(join(projectRoot(), d))).filter((l) => other.test(l.line));
  assert.deepEqual(found.map((l) => `${l.where}: ${l.line.trim()}`), []);
});
