import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as dfd from 'danfojs-node';
import { readCsv, writeCsv } from '../src/io/csv';
import { writeFileAtomic } from '../src/io/atomic';
import { MissingResultsError, readResults, tryReadResults } from '../src/io/results';
import { withTempDir } from './helpers/temp';

const progressColumns = ['func', 'type', 'layers', 'neurons', 'iteration', 'epoch', 'loss', 'forward_cpu', 'forward_time', 'back_cpu', 'back_time', 'adam_cpu', 'adam_time'];

function progressRows() {
  const rows = [];
  for (const func of ['tanh', 'isru']) {
    for (let it = 0; it <= 3000; it += 1000) {
      rows.push({ func, type: 'Single-threaded', layers: 2, neurons: 16, iteration: it, epoch: 0, loss: 4 - it / 1000 + (func === 'isru' ? 0.01 : 0), forward_cpu: it / 100, forward_time: it / 100, back_cpu: it / 50, back_time: it / 50, adam_cpu: 0.1, adam_time: 0.1 });
    }
  }
  return rows;
}

test('writeCsv round-trips through readCsv with numbers parsed', () => withTempDir('lstm-opt-csv-', (dir) => {
  const path = join(dir, 'progress.csv');
  writeCsv(path, progressColumns, progressRows());
  const back = readCsv(path);
  assert.equal(back.length, 8);
  assert.deepEqual(Object.keys(back[0]), progressColumns);
  assert.equal(back[5].loss, 4 - 1 + 0.01);
  assert.equal(back[0].type, 'Single-threaded');
}));

test('writeFileAtomic leaves no temporary file and replaces the old content whole', () => withTempDir('lstm-opt-atomic-', (dir) => {
  const path = join(dir, 'a.csv');
  writeFileAtomic(path, 'old\n');
  writeFileAtomic(path, 'new\n');
  assert.deepEqual(readdirSync(dir), ['a.csv']);
  assert.equal(readCsv(path).length, 0);
}));

test('readResults names the producing command for missing, empty and malformed files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lstm-opt-results-'));
  const source = { command: 'lstm-opt sweep mt --quick', columns: ['func', 'loss'] };
  try {
    assert.throws(() => readResults(join(dir, 'none.csv'), source), (e: Error) => e instanceof MissingResultsError && e.kind === 'absent' && /No results yet.*lstm-opt sweep mt --quick` to produce it\.$/.test(e.message));
    const malformed = (file: string, reason: RegExp) => (e: Error) =>
      e instanceof MissingResultsError && e.kind === 'malformed' && reason.test(e.message) && e.message.includes(file) && /to produce it again, or remove it\.$/.test(e.message);
    writeFileSync(join(dir, 'empty.csv'), 'func,loss\n');
    assert.throws(() => readResults(join(dir, 'empty.csv'), source), malformed('empty.csv', /No rows in/));
    writeFileSync(join(dir, 'cols.csv'), 'a,b\n1,2\n');
    assert.throws(() => readResults(join(dir, 'cols.csv'), source), malformed('cols.csv', /Columns func, loss are missing/));
    writeFileSync(join(dir, 'bad.csv'), 'func,loss\n"unterminated,1\n');
    assert.throws(() => readResults(join(dir, 'bad.csv'), source), malformed('bad.csv', /Cannot parse/));
    writeFileSync(join(dir, 'nan.csv'), 'func,loss\ntanh,x\n');
    assert.throws(() => readResults(join(dir, 'nan.csv'), { ...source, numeric: ['loss'] }), malformed('nan.csv', /1 malformed row \(first line 2: loss 'x'\)/));
    const logged: string[] = [];
    const log = console.log;
    console.log = (m: string) => logged.push(m);
    try {
      assert.equal(tryReadResults(join(dir, 'none.csv'), source), undefined);
    } finally {
      console.log = log;
    }
    assert.match(logged.join('\n'), /run `lstm-opt sweep mt --quick`/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('danfojs-node (installed from the registry alone) builds a DataFrame from a results CSV and groups it', async () => withTempDir('lstm-opt-danfo-', async (dir) => {
  const path = join(dir, 'progress.csv');
  const rows = progressRows();
  writeCsv(path, progressColumns, rows);
  const df = (await dfd.readCSV(path)) as dfd.DataFrame;
  assert.deepEqual(df.shape, [8, progressColumns.length]);
  const means = df.groupby(['func']).col(['loss']).mean();
  const byFunc = new Map<string, number>();
  const values = dfd.toJSON(means, { format: 'column' }) as Record<string, unknown>[];
  for (const r of values) byFunc.set(String(r.func), Number(r.loss_mean));
  const expected = (f: string) => rows.filter((r) => r.func === f).reduce((s, r) => s + r.loss, 0) / 4;
  assert.ok(Math.abs(byFunc.get('tanh')! - expected('tanh')) < 1e-12);
  assert.ok(Math.abs(byFunc.get('isru')! - expected('isru')) < 1e-12);
}));
