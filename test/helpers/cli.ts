import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
    env: { ...cliEnv(), ...options.env },
    input: options.input,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

let cacheHome: string | undefined;

/**
 * The environment a test runs the command line in: the kernel tuner's cache (XDG_CACHE_HOME) in a temp
 * folder of this test process (removed at its exit), never the user's; and the default product blocking
 * unless a test asks otherwise, so that progress files' kernels column does not depend on this machine's
 * timings (the tuned path has tests of its own).
 */
export function cliEnv(): NodeJS.ProcessEnv {
  if (cacheHome === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'lstm-opt-cache-'));
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    cacheHome = dir;
  }
  return { ...process.env, XDG_CACHE_HOME: cacheHome, LSTM_OPT_BLOCKING: process.env.LSTM_OPT_BLOCKING ?? 'default' };
}
