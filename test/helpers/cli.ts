import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../src/io/paths';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real `lstm-opt` command line in a child process (as a user would), with a time limit.
 * nodeArgs go to node itself, before the script (e.g. --require of a test preload).
 */
export function runCli(args: string[], options: { cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv; input?: string; nodeArgs?: string[] } = {}): CliResult {
  const result = spawnSync(process.execPath, [...(options.nodeArgs ?? []), join(projectRoot(), 'bin', 'lstm-opt.js'), ...args], {
    cwd: options.cwd ?? projectRoot(),
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 120_000,
    env: { ...process.env, ...options.env },
    input: options.input,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
