import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildWeb } from '../scripts/web';

/**
 * The page's bundle builds without a browser: esbuild (platform 'browser') cannot resolve Node's built-in
 * modules, so this fails as soon as anything the page runs — the engine's Trainer.step included — imports
 * one (the browser test builds the same bundle but needs Chromium). The worker must carry the engine's
 * trainer itself, not a copy of its step.
 */
test('the web page bundles with no Node built-in on its import path, the Trainer included', async () => {
  // a folder of its own: the browser test may be serving web/dist/ at the same time
  const dir = mkdtempSync(join(tmpdir(), 'web-bundle-'));
  const sizes = await buildWeb(dir);
  const worker = readFileSync(join(dir, 'worker.js'), 'utf8');
  rmSync(dir, { recursive: true, force: true });
  assert.deepEqual(Object.keys(sizes).sort(), ['index.html', 'main.css', 'main.js', 'worker.js']);
  // messages of src/lstm/trainer.ts and of the page's stand-in for the worker-thread team
  assert.ok(worker.includes('must be smaller than the corpus'), 'the Trainer is in the worker bundle');
  assert.ok(worker.includes('the page trains on one thread'), 'the team is replaced by web/src/no-threads.ts');
  assert.ok(!/worker_threads/.test(worker));
});
