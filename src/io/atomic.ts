import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { dirname, basename, join, resolve } from 'node:path';
import { EXIT_WRITE_FAILED, UserError } from '../errors';

/**
 * `mkdir -p`, bounded by the depth of the path: Node's recursive mkdirSync retries forever where a
 * parent cannot be created but is reported missing (e.g. under /proc/self), so the missing folders are
 * created one by one from the deepest existing one, and the first failure is thrown.
 */
export function makeFolders(dir: string): void {
  const missing: string[] = [];
  for (let at = resolve(dir); !existsSync(at); at = dirname(at)) {
    missing.push(at);
    if (dirname(at) === at) break;
  }
  for (const folder of missing.reverse()) mkdirSync(folder);
}

/**
 * Most file systems limit one name to 255 bytes (NAME_MAX); the temporary name adds a prefix and a
 * suffix to the target's, so a long but valid target name is shortened in its temporary name.
 */
export const NAME_MAX_BYTES = 255;

/** `.<name>.<pid>.<ms>.tmp`; <name> may be a shortened copy of the target's name (see tempName). */
const TEMP_PATTERN = /^\..*\.(\d+)\.(\d+)\.tmp$/;

/** The temporary name writeFileAtomic uses for `name` (at most NAME_MAX_BYTES bytes of UTF-8). */
export function tempName(name: string, pid = process.pid, now = Date.now()): string {
  const suffix = `.${pid}.${now}.tmp`;
  const room = NAME_MAX_BYTES - 1 - Buffer.byteLength(suffix);
  let stem = name;
  while (Buffer.byteLength(stem) > room) stem = [...stem].slice(0, -1).join(''); // whole code points only
  return `.${stem}${suffix}`;
}

/** What one whole-or-nothing write puts where. */
export interface FileWrite {
  path: string;
  data: string | Uint8Array;
}

/**
 * A write that could not be completed (full disk, quota, read-only mount, a folder in the way...). The old
 * file is still in place; the message names the file, the reason and, for a full disk, how much space the
 * write needed. It has its own exit code (EXIT_WRITE_FAILED) so that scripts can tell it from bad input.
 */
export class WriteError extends UserError {
  constructor(message: string, readonly code?: string) {
    super(message, EXIT_WRITE_FAILED);
    this.name = 'WriteError';
  }
}

const bytesOf = (data: string | Uint8Array): Uint8Array => (typeof data === 'string' ? Buffer.from(data, 'utf8') : data);

/** writeSync may write fewer bytes than asked (a full disk, a signal): loop until all are written or it throws. */
function writeAll(fd: number, bytes: Uint8Array): void {
  for (let at = 0; at < bytes.length; ) {
    const n = writeSync(fd, bytes, at, bytes.length - at);
    if (n <= 0) throw Object.assign(new Error('the file system accepted no more bytes'), { code: 'ENOSPC' });
    at += n;
  }
}

/** Makes a rename in `dir` durable; file systems that cannot sync a folder (some network mounts) are let be. */
function fsyncFolder(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'ENOTSUP' && code !== 'EISDIR' && code !== 'EBADF') throw err;
  } finally {
    closeSync(fd);
  }
}

function freeBytes(dir: string): number | undefined {
  try {
    const s = statfsSync(dir);
    return s.bavail * s.bsize;
  } catch {
    return undefined;
  }
}

/**
 * Why `bytes` will not fit in the folder `dir` (or its nearest existing parent), as "no space left on
 * the device: N needed, M free", or undefined when they fit or the free space cannot be known.
 */
export function spaceShortage(dir: string, bytes: number): string | undefined {
  let at = resolve(dir);
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at);
  const free = freeBytes(at);
  if (free === undefined || free >= bytes) return undefined;
  return `no space left on the device: about ${mib(bytes)} needed, ${mib(free)} free`;
}

function mib(n: number): string {
  return n < 2 ** 20 ? `${n} bytes` : `${(n / 2 ** 20).toFixed(1)} MiB`;
}

function writeFailure(err: unknown, failed: string, writes: readonly FileWrite[], needed: number): WriteError {
  const e = err as NodeJS.ErrnoException;
  const others = writes.length > 1 ? ` (with ${writes.length - 1} other file${writes.length > 2 ? 's' : ''} written together)` : '';
  const kept = writes.some((w) => existsSync(w.path)) ? 'the previous files are unchanged' : 'nothing was written';
  let why: string;
  switch (e?.code) {
    case 'ENOSPC': case 'EDQUOT': {
      const free = freeBytes(dirname(resolve(failed)));
      why = `${e.code === 'EDQUOT' ? 'disk quota exceeded' : 'no space left on the device'}: ${mib(needed)} needed${free !== undefined ? `, ${mib(free)} free` : ''}`;
      break;
    }
    case 'EROFS': why = 'read-only file system'; break;
    case 'EACCES': case 'EPERM': why = 'permission denied'; break;
    case 'EISDIR': why = 'a folder of that name is in the way'; break;
    case 'ENOTDIR': why = 'a part of the path is a file, not a folder'; break;
    default: why = e?.code ?? String(e?.message ?? e);
  }
  return new WriteError(`cannot write ${failed}${others}: ${why}; ${kept}`, e?.code);
}

/**
 * Writes every file so that readers only ever see all the old files or all the complete new ones (as far
 * as renames allow): each file's bytes go to a temporary file in its own folder (same file system, so
 * rename is atomic), every byte is written (short writes are continued) and flushed, and only when all
 * temporary files are complete are they renamed over their targets, and the folders flushed so the
 * renames survive a crash. Any failure before the renames removes the temporary files and leaves every
 * target as it was, throwing a WriteError. A killed run may leave temporary files, which cleanStaleTemps
 * removes on the next run.
 */
export function writeFilesAtomic(writes: readonly FileWrite[]): void {
  const done: { tmp: string; path: string }[] = [];
  const needed = writes.reduce((s, w) => s + (typeof w.data === 'string' ? Buffer.byteLength(w.data) : w.data.length), 0);
  let current = writes[0]?.path ?? '';
  try {
    for (const w of writes) {
      current = w.path;
      const dir = dirname(w.path);
      makeFolders(dir);
      const tmp = join(dir, tempName(basename(w.path)));
      done.push({ tmp, path: w.path });
      const fd = openSync(tmp, 'w');
      try {
        writeAll(fd, bytesOf(w.data));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
  } catch (err) {
    for (const d of done) rmSync(d.tmp, { force: true });
    throw writeFailure(err, current, writes, needed);
  }
  try {
    for (const [k, d] of done.entries()) {
      current = d.path;
      renameSync(d.tmp, d.path);
      done[k] = { ...d, tmp: '' };
    }
    for (const dir of new Set(done.map((d) => dirname(resolve(d.path))))) fsyncFolder(dir);
  } catch (err) {
    for (const d of done) if (d.tmp) rmSync(d.tmp, { force: true });
    throw writeFailure(err, current, writes, needed);
  }
}

/** One file, whole or not at all (see writeFilesAtomic). */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  writeFilesAtomic([{ path, data }]);
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

/**
 * Removes the temporary files of writeFileAtomic in `dir` whose writing process is gone (a run killed
 * mid-write); a live process's temporary file is left alone. Returns the names removed. A missing
 * folder has nothing to clean.
 */
export function cleanStaleTemps(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = TEMP_PATTERN.exec(name);
    if (!m || alive(Number(m[1]))) continue;
    rmSync(join(dir, name), { force: true });
    removed.push(name);
  }
  return removed;
}
