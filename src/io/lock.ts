/**
 * One writer per output: a run that writes a folder (train --save, a sweep's folder) first takes the
 * folder's lock, a file `.lstm-opt.lock` created exclusively (O_EXCL) and
 * holding the owner's process id and command. A second run finds it and refuses with one line naming
 * the owner, instead of interleaving its files with the first run's. The lock is removed when the owner
 * exits (normally, by an error, or by a handled signal); a lock whose process is gone (a hard kill) is
 * stale and taken over. The weather sweep, whose shards share a folder but not their files, locks its
 * file set (`.<out>.lstm-opt.lock`) instead of the folder.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { EXIT_BUSY, EXIT_WRITE_FAILED, UserError } from '../errors';
import { makeFolders } from './atomic';

export const LOCK_NAME = '.lstm-opt.lock';

/** The lock of one output file set in a shared folder (`.<name>.lstm-opt.lock`), e.g. one weather --out. */
export const lockName = (name?: string): string => (name === undefined ? LOCK_NAME : `.${name}${LOCK_NAME}`);

/** Whether a file name is a lock (merge and listings skip them). */
export const isLockFile = (name: string): boolean => name.startsWith('.') && name.endsWith(LOCK_NAME);

interface LockOwner {
  pid: number;
  host: string;
  command: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(file: string): LockOwner | undefined {
  try {
    const o = JSON.parse(readFileSync(file, 'utf8')) as LockOwner;
    return Number.isSafeInteger(o.pid) ? o : undefined;
  } catch {
    return undefined;
  }
}

/** Locks this process holds, by their absolute path: taken again by the same process is a no-op. */
const held = new Map<string, string>();
let exitHook = false;

function releaseAll(): void {
  for (const file of held.values()) rmSync(file, { force: true });
  held.clear();
}

/**
 * A signal with no handler of its own kills the process without running 'exit' listeners: then the
 * locks are removed here and the signal is raised again, so the process still dies of it (a command
 * that handles the signal itself, like train, exits normally and releases them on 'exit').
 */
function onSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return;
  releaseAll();
  process.removeListener(signal, onSignal);
  process.kill(process.pid, signal);
}

/**
 * Takes the lock of `dir` (created if missing) for this process until it exits or unlockOutput; throws a
 * UserError with exit code EXIT_BUSY when another live run holds it. `what` names the output for the
 * message (e.g. "--save runs/a"). `name` locks only one set of files in the folder (runs writing other
 * files there, like the shards of the weather sweep, go on side by side). Returns false when this
 * process already held it.
 */
export function lockOutput(dir: string, what: string, name?: string): boolean {
  const file = join(resolve(dir), lockName(name));
  const abs = file;
  if (held.has(abs)) return false;
  makeFolders(resolve(dir));
  const me: LockOwner = { pid: process.pid, host: hostname(), command: process.argv.slice(2).join(' ') };
  const busy = (owner: LockOwner): UserError =>
    new UserError(`${what} is being written by another lstm-opt run (process ${owner.pid}${owner.host !== me.host ? ` on ${owner.host}` : ''}: lstm-opt ${owner.command}); wait for it to finish or choose another place`, EXIT_BUSY);
  // a file set's lock gives way to a run that holds the whole folder
  if (name !== undefined && !held.has(join(resolve(dir), LOCK_NAME))) {
    const folderOwner = readOwner(join(resolve(dir), LOCK_NAME));
    if (folderOwner && (folderOwner.host !== me.host || alive(folderOwner.pid))) throw busy(folderOwner);
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = readOwner(file);
      // an owner on another host (a shared mount) cannot be checked: it counts as alive
      if (owner && (owner.host !== me.host || alive(owner.pid))) throw busy(owner);
      // stale (its process is gone) or half-written by a run killed while taking it: take it over
      rmSync(file, { force: true });
      continue;
    }
    try {
      const bytes = Buffer.from(JSON.stringify(me) + '\n');
      if (writeSync(fd, bytes) !== bytes.length) throw Object.assign(new Error('short write'), { code: 'ENOSPC' });
    } catch (err) {
      closeSync(fd);
      rmSync(file, { force: true });
      const code = (err as NodeJS.ErrnoException).code;
      throw new UserError(`${what}: cannot write its lock ${file}: ${code === 'ENOSPC' ? 'no space left on the device' : code ?? String(err)}; nothing was written`, EXIT_WRITE_FAILED);
    }
    closeSync(fd);
    held.set(abs, file);
    if (!exitHook) {
      exitHook = true;
      process.on('exit', releaseAll);
      for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
    }
    return true;
  }
  throw new UserError(`${what}: could not take its lock ${file} (another run keeps taking it)`, EXIT_BUSY);
}

/** Gives up the lock of `dir` (or of its file set `name`) when this process holds it. */
export function unlockOutput(dir: string, name?: string): void {
  const key = join(resolve(dir), lockName(name));
  const file = held.get(key);
  if (file === undefined) return;
  rmSync(file, { force: true });
  held.delete(key);
}
