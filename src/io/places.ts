/**
 * Output places are checked, and created, before any work starts: a run that cannot save its results
 * must fail in its first second with one line, not after hours of training. "Writable" is proven by
 * creating and removing a small file in the folder (permission bits alone say nothing for root or on a
 * read-only mount). Leftover temporary files of an earlier, killed run are removed on the way.
 */
import { closeSync, existsSync, openSync, readSync, rmSync, statSync } from 'node:fs';
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

/** A file a run reads or writes, with the flag that named it (for the message). */
export interface NamedPath {
  flag: string;
  path: string;
}

/** The identity of a path: device and inode when it exists (so hard links and symlinks match), else its absolute path. */
function identity(path: string): string {
  try {
    const st = statSync(path);
    return `${st.dev}:${st.ino}`;
  } catch {
    return resolve(path);
  }
}

/**
 * Refuses (one line, exit 2) an output that is one of the run's inputs, or two outputs that are one
 * file: `train --progress X --corpus X` would turn the corpus into a CSV.
 */
export function refuseOverlaps(outputs: readonly NamedPath[], inputs: readonly NamedPath[]): void {
  const seen = new Map<string, NamedPath>();
  for (const i of inputs) seen.set(identity(i.path), i);
  for (const o of outputs) {
    const id = identity(o.path);
    const other = seen.get(id);
    if (other) {
      const role = inputs.includes(other) ? 'is the input' : 'is also the output';
      throw new UserError(`${o.flag} ${o.path} ${role} ${other.flag} ${other.path}; writing it would destroy ${inputs.includes(other) ? 'that input' : 'one of them'} — choose another path`);
    }
    seen.set(id, o);
  }
}

/**
 * Refuses an existing output of another kind before any work: a folder where a file goes, a device, or
 * a file whose first bytes say it is something else (`looksRight` decides; e.g. a model file named as
 * --progress).
 */
export function refuseOtherKind(out: NamedPath, kind: string, looksRight: (head: Buffer) => boolean): void {
  let st;
  try {
    st = statSync(out.path);
  } catch {
    return; // not there yet: created by the run
  }
  if (st.isDirectory()) throw new UserError(`${out.flag} ${out.path} is a folder, not ${kind}`);
  if (!st.isFile()) throw new UserError(`${out.flag} ${out.path} is not a regular file, so it cannot be ${kind}`);
  if (st.size === 0) return;
  const head = Buffer.alloc(Math.min(st.size, 4096));
  const fd = openSync(out.path, 'r');
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  if (!looksRight(head)) throw new UserError(`${out.flag} ${out.path} exists and is not ${kind}; it is left alone — choose another path or move it away`);
}
