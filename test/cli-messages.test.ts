/**
 * What the command line says to a reader who mistypes: one line, with commander's suggestion joined to it,
 * and a version that matches package.json.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../src/io/paths';
import { oneLine } from '../src/cli';
import { runCli } from './helpers/cli';

test('a mistyped flag or command is one line with a suggestion, exit 2', () => {
  for (const [args, expected] of [
    [['train', '--neurns', '5'], "lstm-opt: unknown option '--neurns' (did you mean --neurons?)"],
    [['trian'], "lstm-opt: unknown command 'trian' (did you mean train?)"],
  ] as const) {
    const r = runCli([...args]);
    assert.equal(r.code, 2, args.join(' '));
    assert.equal(r.stderr, `${expected}\n`);
  }
  assert.equal(oneLine("error: unknown option '--x'\n"), "unknown option '--x'");
});

test('--version prints the package version', () => {
  const r = runCli(['--version']);
  assert.equal(r.code, 0);
  assert.equal(r.stdout.trim(), (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version);
});
