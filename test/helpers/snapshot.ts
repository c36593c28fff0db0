/**
 * What the command-line tests check after a refused or failed run: that no file that existed before
 * changed, and that the run said why in exactly one line.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Every file under `dir` with its size, modification time (a rewrite with the same bytes is a change too)
 * and content hash; files of 64 MiB and more by their allocated blocks, FIFOs and the like by type only.
 */
export function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        const st = statSync(p);
        const hash = st.size < 2 ** 26 ? createHash('sha256').update(readFileSync(p)).digest('hex') : `large ${st.blocks}`;
        out.set(relative(dir, p), `${st.size} ${st.mtimeMs} ${hash}`);
      } else out.set(relative(dir, p), 'special');
    }
  };
  walk(dir);
  return out;
}

/** The command line's error contract: one line on stderr, `lstm-opt: …`, no stack trace. */
export function assertOneLine(stderr: string, context: string): void {
  const lines = stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `${context}: expected one line on stderr, got:\n${stderr}`);
  assert.doesNotMatch(stderr, /^\s+at |internal error|Error:/m, `${context}: ${stderr}`);
  assert.match(lines[0], /^lstm-opt: /, context);
}

/** A progress file's rows without the time columns (measurements differ between runs; nothing else may). */
export const rowsWithoutTimes = (path: string): string[] => readFileSync(path, 'utf8').trim().split('\n').map((l) => l.split(',').slice(0, 7).join(','));
