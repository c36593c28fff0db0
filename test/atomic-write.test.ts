/**
 * writeFilesAtomic against a file system that takes fewer bytes than asked (writeSync's count): every
 * byte must still arrive, and a failure half-way through a group must leave every old file as it was.
 * node:fs is patched in this process only, around each case.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { join } from 'node:path';
import { withTempDir } from './helpers/temp';
import { writeFileAtomic, writeFilesAtomic, WriteError } from '../src/io/atomic';
import { EXIT_WRITE_FAILED } from '../src/errors';

function withWriteSync(replacement: typeof fs.writeSync, fn: () => void): void {
  const original = fs.writeSync;
  (fs as { writeSync: typeof fs.writeSync }).writeSync = replacement;
  try {
    fn();
  } finally {
    (fs as { writeSync: typeof fs.writeSync }).writeSync = original;
  }
}

const original = fs.writeSync;

test('short writes are continued until every byte is written', () => {
  withTempDir('lstm-opt-atomic-', (dir) => {
    const data = Buffer.from(Array.from({ length: 10_000 }, (_, k) => `row ${k}\n`).join(''));
    let calls = 0;
    // at most 777 bytes per call, as a nearly full or interrupted file system may do
    withWriteSync(((fd: number, buffer: Uint8Array, offset?: number, length?: number) => {
      calls++;
      return original(fd, buffer, offset ?? 0, Math.min(length ?? buffer.length - (offset ?? 0), 777));
    }) as typeof fs.writeSync, () => writeFileAtomic(join(dir, 'rows.csv'), data));
    assert.ok(calls > 10, `${calls} calls`);
    assert.deepEqual(fs.readFileSync(join(dir, 'rows.csv')), data);
  });
});

test('a failure in the second file of a group leaves both old files, and no temporary file', () => {
  withTempDir('lstm-opt-atomic-', (dir) => {
    const [a, b] = [join(dir, 'a.bin'), join(dir, 'b.bin')];
    fs.writeFileSync(a, 'old a');
    fs.writeFileSync(b, 'old b');
    let written = 0;
    withWriteSync(((fd: number, buffer: Uint8Array, offset?: number, length?: number) => {
      // the first file whole, then the disk is full after 100 bytes of the second
      const n = Math.min(length ?? buffer.length, written >= 5000 ? 100 : 5000);
      if (written >= 5100) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      written += n;
      return original(fd, buffer, offset ?? 0, n);
    }) as typeof fs.writeSync, () => {
      assert.throws(
        () => writeFilesAtomic([{ path: a, data: Buffer.alloc(5000, 1) }, { path: b, data: Buffer.alloc(5000, 2) }]),
        (err: unknown) => err instanceof WriteError && err.exitCode === EXIT_WRITE_FAILED &&
          /^cannot write .*b\.bin \(with 1 other file written together\): no space left on the device: 10000 bytes needed, .* free; the previous files are unchanged$/.test(err.message),
      );
    });
    assert.equal(fs.readFileSync(a, 'utf8'), 'old a');
    assert.equal(fs.readFileSync(b, 'utf8'), 'old b');
    assert.deepEqual(fs.readdirSync(dir).sort(), ['a.bin', 'b.bin']);
  });
});
