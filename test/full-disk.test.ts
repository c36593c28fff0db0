/**
 * A full disk, for real: a small tmpfs is mounted (CI runs as root; elsewhere the test is skipped with
 * the reason), a good model and a results folder are written into it, the file system is filled up to a
 * few pages, and then a retrain and a `sweep merge` into it must fail with the write-failure exit code,
 * one line naming the file and the space needed, and leave every previous file byte-identical (and no
 * temporary file, no lock). The writer behind every command (writeFilesAtomic) is tried directly too,
 * over the model files, since the retrain stops at its check before training.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers/cli';
import { withTempDir } from './helpers/temp';
import { dataPath } from '../src/io/paths';
import { EXIT_WRITE_FAILED } from '../src/errors';
import { writeFilesAtomic, WriteError } from '../src/io/atomic';
import { snapshot } from './helpers/snapshot';

const corpus = dataPath('sotu-sample.txt');
const small = ['--corpus', corpus, '--layers', '1', '--neurons', '12', '--window', '20'];

/** Mounts a tmpfs of `bytes` at a new folder, or says why it cannot. */
function mountTmpfs(bytes: number): { dir: string } | { reason: string } {
  const dir = mkdtempSync(join(tmpdir(), 'lstm-opt-full-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status === 0) return { dir };
  rmSync(dir, { recursive: true, force: true });
  return { reason: `cannot mount a tmpfs here (${(r.stderr || r.error?.message || `exit ${r.status}`).trim()}); CI runs as root and does` };
}

/** Fills the file system of `dir` but for `spare` bytes (whole pages). */
function fillUp(dir: string, spare: number): void {
  writeFileSync(join(dir, 'reserve'), Buffer.alloc(spare));
  spawnSync('dd', ['if=/dev/zero', `of=${join(dir, 'fill')}`, 'bs=4096'], { stdio: 'ignore' }); // stops at ENOSPC
  rmSync(join(dir, 'reserve'));
}

function assertWriteFailure(r: { code: number | null; stdout: string; stderr: string }, file: RegExp, context: string): void {
  assert.equal(r.code, EXIT_WRITE_FAILED, `${context}: exit ${r.code}\n${r.stderr}`);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `${context}: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /^\s+at |internal error/m);
  assert.match(lines[0], file, context);
  assert.match(lines[0], /no space left on the device: (about )?[\d.]+ (bytes|MiB) needed, [\d.]+ (bytes|MiB) free; (the previous files are unchanged|nothing was written)$/, context);
  assert.doesNotMatch(r.stdout, /trained|copied/, context);
}

test('a retrain and a merge on a full file system leave the previous files byte-identical and exit non-zero', (t) => {
  const mounted = mountTmpfs(2 * 2 ** 20);
  if ('reason' in mounted) {
    console.log(`# skipped: ${mounted.reason}`);
    t.skip(mounted.reason);
    return;
  }
  const disk = mounted.dir;
  try {
    withTempDir('lstm-opt-full-src-', (outside) => {
      // a good model, its progress file, and a merged results folder, on the small file system
      const m = join(disk, 'm');
      assert.equal(runCli(['train', ...small, '--iterations', '30', '--save', m, '--quiet']).code, 0);
      const merged = join(disk, 'merged');
      mkdirSync(join(merged, 'net-size', 'x'), { recursive: true });
      writeFileSync(join(merged, 'net-size', 'x', 'config_1x8.json'), '{"kind":"net-size","config":"1x8"}\n');
      // a shard to merge, outside: a complete CSV of some 40 kB and a JSON file
      const shard = join(outside, 'shard', 'net-size', 'x');
      mkdirSync(shard, { recursive: true });
      writeFileSync(join(shard, 'progress_2x8_tanh.csv'), 'func,iteration,loss\n' + Array.from({ length: 2000 }, (_, k) => `tanh,${k},${(4 - k / 1000).toFixed(6)}`).join('\n') + '\n');
      writeFileSync(join(shard, 'config_2x8.json'), '{"kind":"net-size","config":"2x8"}\n');
      const before = { m: snapshot(m), merged: snapshot(merged) };
      // two pages left: room for a lock file, not for a model
      fillUp(disk, 8192);

      // a retrain: the disk cannot hold the new model files, so it stops before its first progress row
      const retrain = runCli(['train', ...small, '--iterations', '40', '--save', m, '--quiet']);
      assertWriteFailure(retrain, /^lstm-opt: cannot write --save .*\/m \(model\.json, model\.bin, checkpoint\.bin\): /, 'retrain');
      assert.deepEqual(snapshot(m), before.m, 'the previous model and progress files are byte-identical');
      // the writer itself, where the check before the run cannot help (another writer took the space
      // meanwhile): the three files together, all new or all old
      const model = readFileSync(join(m, 'model.bin'));
      assert.throws(
        () => writeFilesAtomic(['model.json', 'model.bin', 'checkpoint.bin'].map((f) => ({ path: join(m, f), data: Buffer.concat([model, model]) }))),
        (err: unknown) => err instanceof WriteError && /cannot write .*model\.json \(with 2 other files written together\): no space left on the device: .* needed, .* free; the previous files are unchanged$/.test(err.message),
      );
      assert.deepEqual(snapshot(m), before.m, 'a failed write leaves the previous files byte-identical');

      const merge = runCli(['sweep', 'merge', '--from', join(outside, 'shard'), '--out', merged]);
      assertWriteFailure(merge, /^lstm-opt: cannot write .*merged\/net-size\/x\/[\w.]+ \(with 1 other file written together\): /, 'merge');
      assert.deepEqual(snapshot(merged), before.merged, 'the merged folder is as it was');
    });
  } finally {
    spawnSync('umount', [disk]);
    rmSync(disk, { recursive: true, force: true });
  }
});
