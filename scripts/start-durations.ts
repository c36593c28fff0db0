/**
 * How long each step of `npm start` usually takes, so its --quiet steps announce their wait (the quick
 * framework sweep is silent for minutes) and the README can state the total.
 *
 * Seconds on a 2-core AMD EPYC with Node 20 (the reference machine's kind), keyed by the step's
 * `npx lstm-opt` arguments without --quiet. Where the numbers come from, so they can be checked:
 *  - activations, charts --png, answer, math-bench --quick: timed once with the machine under load
 *    (load average 4-6), so a calm machine is faster;
 *  - notebooks: the rest of the about 8 minutes a whole `npm start` took on that machine;
 *  - the other quick and the full profiles: the durations their notebooks quote when results are missing
 *    (StudyCommands in src/analysis/*.ts), the README (math-bench) and the issue that timed the quick
 *    framework sweep at 163 s.
 * A step whose time changes a lot should change its number here.
 */
export const EXPECTED_SECONDS: Readonly<Record<string, number>> = {
  // what plain `npm start` runs
  activations: 4,
  notebooks: 240, // 3m 15s measured on the 2-core development machine at a load of 3-5, up to 9 minutes when it was busy
  'charts --png': 16,
  answer: 5,
  // `npm start -- --measure`: the quick profiles this machine lacks
  'math-bench --quick': 3,
  'weather --quick': 20,
  'sweep net-size --quick': 20,
  'sweep mt --quick': 15,
  'sweep precision --quick': 20,
  'sweep framework --quick': 163,
  'sweep framework-ops --quick': 60,
  'sweep verdict --quick': 60,
  'sweep verdict-long --quick': 20,
  // `npm start -- --full`
  'math-bench': 2 * 60,
  weather: 15 * 60,
  'sweep net-size': 15 * 60,
  'sweep mt': 10 * 60,
  'sweep precision': 20 * 60,
  'sweep framework': 30 * 60,
  'sweep framework-ops': 5 * 60,
  'sweep verdict': 5 * 15 * 60, // 15 minutes per seed at 2x128, 5 seeds
  'sweep verdict-long': 150 * 60,
};

/** The quick profiles `npm start -- --measure` runs on a machine that has none of them. */
export const QUICK_STEPS = ['math-bench --quick', 'weather --quick', 'sweep net-size --quick', 'sweep mt --quick', 'sweep precision --quick', 'sweep framework --quick', 'sweep framework-ops --quick', 'sweep verdict --quick', 'sweep verdict-long --quick'] as const;

/** The steps plain `npm start` runs, in order (the README states their total). */
export const RENDER_STEPS = ['activations', 'notebooks', 'charts --png', 'answer'] as const;

/** What plain `npm start` takes after the bootstrap, in seconds. */
export function renderSeconds(): number {
  return RENDER_STEPS.reduce((sum, key) => sum + EXPECTED_SECONDS[key], 0);
}

/** The expected seconds of a step given its command-line arguments (--quiet does not change the work). */
export function expectedSeconds(args: readonly string[]): number | undefined {
  return EXPECTED_SECONDS[args.filter((a) => a !== '--quiet').join(' ')];
}

/** 7 → '7s', 163 → '2m 43s', 5400 → '1h 30m': rounded to what a waiting reader cares about. */
export function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.round((s % 3600) / 60)).padStart(2, '0')}m`;
}
