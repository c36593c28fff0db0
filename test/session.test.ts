import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { continuedProgress, ProgressFile, rowsBefore, runRecordOf, runTarget } from '../src/lstm/session';
import { lastRowTraining, progressCsv, progressRecords, formatProgressRow } from '../src/lstm/progress-file';
import { PROGRESS_COLUMNS, ProgressRow, STUDY_PROGRESS_COLUMNS } from '../src/lstm/training-loop';
import { withTempDir } from './helpers/temp';

const row = (iteration: number, loss: number): ProgressRow => ({
  func: 'tanh', type: 'Single-threaded', layers: 1, neurons: 8, iteration, epoch: 0, loss,
  forward_cpu: 0.1 * iteration, forward_time: 0.1 * iteration, back_cpu: 0.2 * iteration, back_time: 0.2 * iteration, adam_cpu: 0.01, adam_time: 0.01,
  gate: 'sigmoid', impl: 'scalar', kernels: 'wasm',
});

test('the run record: the request, else the checkpoint\'s record, else one epoch; a recorded store cadence only when saving', () => {
  const recorded = { iterations: 500, progressEvery: 50, storeEvery: 100 };
  assert.deepEqual(runRecordOf({ defaultProgressEvery: 1000, saving: true }, recorded), recorded);
  assert.deepEqual(runRecordOf({ defaultProgressEvery: 1000, saving: false }, recorded), { iterations: 500, progressEvery: 50 });
  assert.deepEqual(runRecordOf({ epochs: 2, progressEvery: 10, defaultProgressEvery: 1000, saving: false }, recorded), { epochs: 2, progressEvery: 10 });
  assert.deepEqual(runRecordOf({ defaultProgressEvery: 1000, saving: false }), { epochs: 1, progressEvery: 1000 });
  // 1001 characters in windows of 100: 10 iterations per epoch
  assert.equal(runTarget({ epochs: 3, progressEvery: 1 }, 1001, 100), 30);
  assert.equal(runTarget({ epochs: 3, iterations: 25, progressEvery: 1 }, 1001, 100), 25);
});

test('a continued progress file keeps the rows before the checkpoint, read by the name of their column', () => {
  // the columns in another order than PROGRESS_COLUMNS: a reader by position would cut the wrong rows
  const text = 'loss,iteration\n4.1,0\n3.9,10\n3.7,20\n';
  assert.equal(rowsBefore(text, 15), 'loss,iteration\n4.1,0\n3.9,10\n');
  const study = `${STUDY_PROGRESS_COLUMNS.join(',')}\ntanh,Single-threaded,1,8,0,0,4.4,0.1,0.1,0.2,0.2,0.01,0.01\ntanh,Single-threaded,1,8,10,0,4.2,0.1,0.1,0.2,0.2,0.01,0.01`;
  const continued = continuedProgress(study, 10)!;
  assert.equal(continued.split('\n')[0], PROGRESS_COLUMNS.join(','), 'an old file gets the current columns');
  assert.equal(progressRecords(continued).length, 1);
  assert.equal(continuedProgress('a,b\n1,2\n'), undefined);
});

test('every progress writer writes the same columns; a study adds its own after them', () => {
  const records = [row(0, 4.4), row(10, 4.2)].map((r) => formatProgressRow(r, { variant: 'tanh/scalar' }));
  const text = progressCsv(records, { extraColumns: ['variant'] });
  assert.equal(text.split('\n')[0], [...PROGRESS_COLUMNS, 'variant'].join(','));
  assert.equal(progressRecords(text)[1].variant, 'tanh/scalar');
  assert.deepEqual(lastRowTraining(text), { seconds: 1 + 2 + 0.01, iteration: 10 });
});

test('a progress file is rewritten whole after every row, after the rows it continues', () => {
  withTempDir('lstm-opt-session-', (dir) => {
    const path = join(dir, 'progress.csv');
    const kept = progressCsv([formatProgressRow(row(0, 4.4))]);
    const file = new ProgressFile(path, kept);
    file.add(row(10, 4.2));
    file.add(row(20, 4.0));
    const text = readFileSync(path, 'utf8');
    assert.equal(text.split('\n').filter((l) => l.startsWith('func,')).length, 1, 'one header');
    assert.deepEqual(progressRecords(text).map((r) => r.iteration), [0, 10, 20]);
  });
});
