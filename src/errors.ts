/** Exit codes of the command line beyond 0 (done), 1 (internal or file-system error) and 2 (bad input). */
/** a training run diverged */
export const EXIT_DIVERGED = 3;
/** a result could not be written whole (full disk, quota, read-only); the previous files are unchanged */
export const EXIT_WRITE_FAILED = 4;
/** an output is being written by another lstm-opt run (its lock is held) */
export const EXIT_BUSY = 5;

/**
 * An error caused by the user's input (bad flag value, missing file, corrupt model, a configuration beyond
 * the engine's limits...). Core code throws it; the command line prints its message as one line on stderr
 * and exits with its code (2 unless said otherwise), without a stack trace.
 */
export class UserError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
    this.name = 'UserError';
  }
}

/** Parses a strictly positive integer flag value, or throws a UserError naming the flag. */
export function positiveInt(flag: string): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n <= 0) {
      throw new UserError(`${flag} must be a positive integer, got '${value}'`);
    }
    return n;
  };
}

/** Parses a finite number flag value (optionally > 0), or throws a UserError naming the flag. */
export function finiteNumber(flag: string, { positive = false } = {}): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || (positive && n <= 0)) {
      throw new UserError(`${flag} must be a ${positive ? 'positive ' : ''}number, got '${value}'`);
    }
    return n;
  };
}
