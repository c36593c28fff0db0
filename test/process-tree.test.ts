/** scripts/process-tree.ts: the launcher finds a process's descendants through /proc and tells a zombie from a live one. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { descendants, isRunning } from '../scripts/process-tree';

test('descendants: what sh started in a session of its own, as a kernel is started; isRunning sees it go', { skip: !existsSync('/proc') && 'needs /proc' }, async () => {
  // sh starts a setsid'd sleep, as jupyter_client starts a kernel in a new session
  const sh = spawn('sh', ['-c', 'setsid sleep 30 & wait'], { stdio: 'ignore' });
  try {
    let found: number[] = [];
    for (let i = 0; i < 50 && found.length < 1; i++) {
      await new Promise((r) => setTimeout(r, 50));
      found = descendants(sh.pid!);
    }
    assert.ok(found.length >= 1, 'no descendant of sh found');
    assert.ok(descendants(process.pid).includes(sh.pid!));
    for (const pid of found) assert.ok(isRunning(pid));
    for (const pid of found) process.kill(pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(found.filter(isRunning), []);
  } finally {
    sh.kill('SIGKILL');
  }
  assert.deepEqual(descendants(2 ** 22 + 1), []); // beyond any pid: nothing, no error
});
