/**
 * The one argument parser of bench/ (commander, as the command line uses): every program here declares
 * its flags as commander Options and reads them with parseOptions, which turns commander's complaints into
 * a thrown Error with its one line (the programs print it and exit), instead of commander exiting itself.
 */
import { Command, InvalidArgumentError, Option } from 'commander';

/** A value parser for a positive (or, with min 0, non-negative) integer flag. */
export function integerAtLeast(min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n < min) throw new InvalidArgumentError(`must be an integer >= ${min}, got '${value}'`);
    return n;
  };
}

/** A value parser for a comma-separated list of the allowed words. */
export function listOf<T extends string>(allowed: readonly string[], what: string): (value: string) => T[] {
  return (value) => {
    const xs = value.split(',').map((x) => x.trim()).filter(Boolean);
    for (const x of xs) if (!allowed.includes(x)) throw new InvalidArgumentError(`unknown ${what} '${x}' (expected ${allowed.join(', ')})`);
    return xs as T[];
  };
}

/** A comma-separated list, each item checked by `check` (which throws on a bad one). */
export function listWith<T>(check: (item: string) => T): (value: string) => T[] {
  return (value) =>
    value.split(',').map((x) => x.trim()).filter(Boolean).map((x) => {
      try {
        return check(x);
      } catch (err) {
        throw new InvalidArgumentError((err as Error).message);
      }
    });
}

/**
 * Parses `argv` (the arguments alone, without node and the script) against `options`; unknown options,
 * stray arguments and bad values throw an Error whose message is commander's one line.
 */
export function parseOptions<T>(program: string, options: readonly Option[], argv: readonly string[]): T {
  const cmd = new Command(program).exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  for (const o of options) cmd.addOption(o);
  try {
    cmd.parse([...argv], { from: 'user' });
  } catch (err) {
    throw new Error((err as Error).message.replace(/^error: /, ''));
  }
  return cmd.opts() as T;
}
