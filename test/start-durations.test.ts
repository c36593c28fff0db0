/**
 * `npm start` announces each step's expected duration (scripts/start-durations.ts): every step it can run
 * has one, the README's total is the table's, and durations read as a waiting person reads them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../src/io/paths';
import { duration, expectedSeconds, renderSeconds } from '../scripts/start-durations';

/** The `npx lstm-opt` argument lists scripts/start.ts runs (it runs on import, so it is read, not loaded). */
function startSteps(): string[][] {
  const source = readFileSync(join(projectRoot(), 'scripts', 'start.ts'), 'utf8');
  const lists = [...source.matchAll(/(?:quick|full): (\[[^\]]*\])/g)].map((m) => JSON.parse(m[1].replace(/'/g, '"')) as string[]);
  const render = [...source.matchAll(/\[cli, ((?:'[^']*'(?:, )?)+)\]/g)].map((m) => JSON.parse(`[${m[1].replace(/'/g, '"')}]`) as string[]);
  return [...lists, ...render];
}

test('every step npm start can run has an expected duration', () => {
  const steps = startSteps();
  assert.ok(steps.length >= 9 * 2 + 3, `found only ${steps.length} steps: the pattern no longer matches start.ts`);
  assert.deepEqual(steps.filter((args) => expectedSeconds(args) === undefined).map((a) => a.join(' ')), []);
  assert.equal(expectedSeconds(['sweep', 'framework', '--quick', '--quiet']), expectedSeconds(['sweep', 'framework', '--quick']));
});

test('the README states the total the table gives', () => {
  const readme = readFileSync(join(projectRoot(), 'README.md'), 'utf8');
  const minutes = Math.round(renderSeconds() / 60);
  assert.match(readme, new RegExp(`^npm start .*about ${minutes} minutes\\)$`, 'm'));
  assert.match(readme, new RegExp(`It takes about ${minutes} minutes on a 2-core`));
});

test('durations: seconds, then minutes and seconds, then hours and minutes', () => {
  assert.equal(duration(4.4), '4s');
  assert.equal(duration(163), '2m 43s');
  assert.equal(duration(480), '8m 00s');
  assert.equal(duration(4500), '1h 15m');
});
