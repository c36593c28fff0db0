import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { readCsv } from '../../src/io/csv';

/** Every file under `dir`, as paths relative to it, sorted. */
export function listResultFiles(dir: string, under = dir): string[] {
  return readdirSync(under, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listResultFiles(dir, join(under, e.name)) : [relative(dir, join(under, e.name))]))
    .sort();
}

// what differs between two runs of the same configuration: clocks, load and the machine's description
const isTimeColumn = (name: string): boolean => /(_cpu|_time)$/.test(name);
const MEASURED_KEYS = new Set(['unit', 'segments', 'machine', 'finished', 'train_time', 'train_cpu']);

function withoutMeasurements(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutMeasurements);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([k]) => !MEASURED_KEYS.has(k)).map(([k, v]) => [k, withoutMeasurements(v)]));
  }
  return value;
}

/**
 * Asserts that two sweep results folders hold the same files with the same results: every CSV row equal
 * in every column but the timing ones, every JSON equal but for its measurements (times, load, machine),
 * any other file byte for byte. Returns the number of CSV rows compared.
 */
export function assertSameResults(actual: string, expected: string): number {
  const files = listResultFiles(expected);
  assert.deepEqual(listResultFiles(actual), files, `files of ${actual} vs ${expected}`);
  let rows = 0;
  for (const f of files) {
    const a = join(actual, f), e = join(expected, f);
    if (f.endsWith('.csv')) {
      // the product blocking is tuned per machine (and may differ between shards); every blocking gives the
      // same bits, so only the kernel set is part of the result
      const kernelSet = (k: string, v: unknown): unknown => (k === 'kernels' ? String(v).split(' ')[0] : v);
      const strip = (file: string) => readCsv(file).map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !isTimeColumn(k)).map(([k, v]) => [k, kernelSet(k, v)])));
      const want = strip(e);
      assert.ok(want.length > 0, `${f} has rows`);
      assert.deepEqual(strip(a), want, f);
      rows += want.length;
    } else if (f.endsWith('.json')) {
      const read = (file: string) => withoutMeasurements(JSON.parse(readFileSync(file, 'utf8')));
      assert.deepEqual(read(a), read(e), f);
    } else {
      assert.ok(readFileSync(a).equals(readFileSync(e)), f);
    }
  }
  return rows;
}
