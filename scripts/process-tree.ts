/**
 * The processes a process started, directly or further down, found through /proc. JupyterLab starts each
 * kernel in a session of its own, so no signal to the server's process group reaches them; a launcher
 * that must leave nothing running notes them while the server is alive, because once it has exited
 * they belong to init and nothing links them to it any more.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** Parent pid of a process from /proc/<pid>/stat, undefined when it is gone. */
function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) is in parentheses and may itself hold spaces or parentheses
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/** Every descendant of pid (children, grandchildren, ...); empty where there is no /proc (macOS). */
export function descendants(pid: number): number[] {
  if (!existsSync('/proc')) return [];
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const parent = parentOf(Number(entry));
    if (parent !== undefined) children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
  }
  const found: number[] = [];
  for (let queue = [pid]; queue.length > 0; ) {
    const next = children.get(queue.shift()!) ?? [];
    found.push(...next);
    queue.push(...next);
  }
  return found;
}

/** Whether a process still runs (a zombie, dead but not yet reaped by its parent, does not). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\S+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true; // no /proc: kill(0) is all there is
  }
}
