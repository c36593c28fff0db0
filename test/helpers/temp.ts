import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Runs `fn` with a fresh folder under the system's temp folder and removes the folder afterwards, also
 * when `fn` throws or its promise rejects.
 */
export function withTempDir<T>(prefix: string, fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const clean = (): void => rmSync(dir, { recursive: true, force: true });
  let result: T;
  try {
    result = fn(dir);
  } catch (err) {
    clean();
    throw err;
  }
  if (result instanceof Promise) return result.finally(clean) as T;
  clean();
  return result;
}
