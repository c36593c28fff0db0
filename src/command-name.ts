/**
 * How every message and doc names the command line. A bare `lstm-opt` is not on anyone's PATH (the
 * package is private, never installed globally), while `npx lstm-opt` runs bin/lstm-opt.js from any
 * checkout through package.json's "bin"; so that is the one form a reader can paste and run.
 */
export const CLI_NAME = 'npx lstm-opt';

/** A command line to paste, e.g. command('sweep', 'verdict', '--quick') is 'npx lstm-opt sweep verdict --quick'. */
export function command(...args: string[]): string {
  return [CLI_NAME, ...args].join(' ');
}
