import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

let cachedRoot: string | undefined;

/**
 * The repository root: the nearest folder above this module whose package.json is ours. Works the same
 * from compiled code in dist/ and from the .ts sources a notebook imports directly.
 */
export function projectRoot(): string {
  if (cachedRoot) return cachedRoot;
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'lstm-opt') return (cachedRoot = dir);
    if (dirname(dir) === dir) throw new Error(`cannot find the lstm-opt project root above ${__dirname}`);
  }
}

/** The environment variable that moves the results folder (a scratch copy, results kept outside the checkout). */
export const RESULTS_ENV = 'LSTM_OPT_RESULTS';

/** `<results folder>/<parts...>`: `results/` under the project root, or the folder LSTM_OPT_RESULTS names. */
export function resultsPath(...parts: string[]): string {
  const moved = process.env[RESULTS_ENV];
  return join(moved ? resolve(moved) : join(projectRoot(), 'results'), ...parts);
}

/** `data/<parts...>` under the project root. */
export function dataPath(...parts: string[]): string {
  return join(projectRoot(), 'data', ...parts);
}
