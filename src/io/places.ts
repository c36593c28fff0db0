/**
 * Output places are checked, and created, before any work starts: a run that cannot save its results
 * must fail in its first second with one line, not after hours of training. "Writable" is proven by
 * creating and removing a small file in the folder (permission bits alone say nothing for root or on a
 * read-only mount). Leftover temporary files of an earlier, killed run are removed on the way.
 */
import { closeSync, existsSync, openSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '../errors';
import { cleanStaleTemps, makeFolders, tempName } from './atomic';

function reason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ENOTDIR': return 'a part of the path is a file, not a folder';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'EROFS': return 'read-only file system';
    case 'ENOSPC': return 'no space left on the device';
    case 'EEXIST': return 'a file of that name is in the way';
    case 'ENOENT': return 'its parent folder does not allow creating it';
    default: return e.code ?? String(e.message ?? e);
  }
}

/**
 * Makes sure `dir` is a folder this process can create files in (creating it and its parents if
 * needed); throws a UserError naming `flag` otherwise.
 */
export function prepareOutputDir(dir: string, flag: string): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new UserError(`${flag} ${dir} is a file, not a folder`);
  ensureWritableDir(dir, `${flag} ${dir}`);
}

/** Makes sure `file` can be written (atomically: a temporary file beside it, then a rename over it). */
export function prepareOutputFile(file: string, flag: string): void {
  if (existsSync(file) && statSync(file).isDirectory()) throw new UserError(`${flag} ${file} is a folder, not a file`);
  const dir = dirname(resolve(file));
  ensureWritableDir(dir, `${flag} ${file}: its folder ${dir}`);
}

function ensureWritableDir(dir: string, what: string): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new UserError(`${what} cannot be created: a file of that name is in the way`);
  try {
    makeFolders(dir);
  } catch (err) {
    throw new UserError(`${what} cannot be created: ${reason(err)}`);
  }
  // named like writeFileAtomic's temporary files, so a kill right here leaves nothing cleanStaleTemps misses
  const probe = join(dir, tempName('lstm-opt-probe'));
  try {
    closeSync(openSync(probe, 'wx'));
    rmSync(probe, { force: true });
  } catch (err) {
    throw new UserError(`${what} is not writable: ${reason(err)}`);
  }
  cleanStaleTemps(dir);
}
