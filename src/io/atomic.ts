import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, basename, join, resolve } from 'node:path';

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

/**
 * Writes `data` to `path` so that readers only ever see the old file or the complete new one:
 * the bytes go to a temporary file in the same folder (same file system, so rename is atomic),
 * are flushed, and then renamed over the target. An interrupted run never leaves half a file; a killed
 * one may leave the temporary file, which cleanStaleTemps removes on the next run.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const dir = dirname(path);
  makeFolders(dir);
  const tmp = join(dir, tempName(basename(path)));
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
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
