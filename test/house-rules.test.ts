/**
 * The house rules over the real import graph (docs/ARCHITECTURE.md, "Layers"): io imports nothing above
 * it; src/ nothing from bench/, dev/, test/ or scripts/; bench/ nothing from test/ or dev/; the shared code
 * below the studies imports no study; analysis and charts load no sweep; no module registers anything when imported; no import circle. Each rule is also
 * run on a copy of the graph with one deliberately wrong import, so a rule that can no longer fail fails here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { projectRoot } from '../src/io/paths';
import {
  folderBoundaries, ImportEdge, ImportGraph, importCircles, ioImportsNothingAbove, noImportTimeEffects, readImportGraph, reportingLoadsNoSweep, sharedImportsNoStudy, Violation,
} from './helpers/import-graph';

const graph = readImportGraph(projectRoot());
const show = (v: Violation[]): string[] => v.map((x) => `${x.rule}: ${x.detail}`);

/** The real graph plus one import (or one top-level effect) nobody should write. */
function withWrong(edge: Partial<ImportEdge> & Pick<ImportEdge, 'from' | 'to'>): ImportGraph {
  return { ...graph, edges: [...graph.edges, { external: false, typeOnly: false, ...edge }] };
}

test('the graph is the project: every folder is read, and imports resolve to files', () => {
  for (const f of ['src/index.ts', 'src/io/machine.ts', 'bench/lstm.ts', 'dev/profile.ts', 'scripts/bench.ts', 'test/house-rules.test.ts', 'web/src/main.ts']) {
    assert.ok(graph.files.includes(f), `${f} is in the graph`);
  }
  assert.ok(graph.edges.some((e) => e.from === 'src/io/machine.ts' && e.to === 'src/io/peak.ts'), 'a relative import resolves to its .ts file');
  assert.ok(graph.edges.some((e) => e.from === 'src/index.ts' && e.to === 'src/lstm/index.ts'), 'a folder import resolves to its index.ts');
  assert.ok(graph.edges.some((e) => e.external && e.to === 'commander'), 'packages are named');
});

test('io imports nothing above it (only io, src/errors.ts and packages)', () => {
  assert.deepEqual(show(ioImportsNothingAbove(graph)), []);
  assert.equal(ioImportsNothingAbove(withWrong({ from: 'src/io/machine.ts', to: 'src/stats/stats.ts' })).length, 1);
});

test('src/ imports nothing from bench/, dev/, test/ or scripts/; bench/ nothing from test/ or dev/', () => {
  assert.deepEqual(show(folderBoundaries(graph)), []);
  assert.equal(folderBoundaries(withWrong({ from: 'src/studies/bench/analysis.ts', to: 'bench/lstm.ts' })).length, 1);
  assert.equal(folderBoundaries(withWrong({ from: 'bench/lstm.ts', to: 'test/helpers/temp.ts' })).length, 1);
});

test('the shared code below the studies (engine, io, stats, chart core, sweep framework) imports no study', () => {
  assert.deepEqual(show(sharedImportsNoStudy(graph)), []);
  assert.equal(sharedImportsNoStudy(withWrong({ from: 'src/charts/index.ts', to: 'src/studies/verdict/charts.ts' })).length, 1);
});

test('analysis and charts load no sweep, directly or through another module', () => {
  assert.deepEqual(show(reportingLoadsNoSweep(graph)), []);
  // a chart that imports a sweep, and every reporting module that loads that chart, are caught
  const wrong = reportingLoadsNoSweep(withWrong({ from: 'src/stats/compare.ts', to: 'src/studies/verdict/sweep.ts' }));
  assert.ok(wrong.some((v) => v.detail === 'src/stats/compare.ts -> src/studies/verdict/sweep.ts'), show(wrong).join('\n'));
  assert.ok(wrong.some((v) => v.detail.startsWith('src/studies/verdict/analysis.ts -> ')), 'caught through the modules that import it');
  // an erased type-only import loads nothing
  assert.deepEqual(reportingLoadsNoSweep(withWrong({ from: 'src/stats/compare.ts', to: 'src/studies/verdict/sweep.ts', typeOnly: true })), []);
});

test('no library module registers anything when imported', () => {
  assert.deepEqual(show(noImportTimeEffects(graph)), []);
  const wrong: ImportGraph = { ...graph, effects: [...graph.effects, { file: 'src/studies/mt/sweep.ts', line: 1, text: 'defineSweep({ ... })' }] };
  assert.equal(noImportTimeEffects(wrong).length, 1);
});

test('no import circle', () => {
  assert.deepEqual(show(importCircles(graph)), []);
  // the interface importing an implementation that imports it back
  const wrong = importCircles(withWrong({ from: 'src/lstm/backend.ts', to: 'src/lstm/wasm/backend.ts', typeOnly: true }));
  assert.equal(wrong.length, 1);
  assert.match(wrong[0].detail, /src\/lstm\/(wasm\/)?backend\.ts <-> .*src\/lstm\/(wasm\/)?backend\.ts/);
});
