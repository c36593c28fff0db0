/**
 * The benchmarks' stopwatch, in nanoseconds. Node has a monotonic nanosecond clock (`process.hrtime`);
 * a browser has `performance.now()`, monotonic too but coarser: 5 µs in a cross-origin isolated page, 100 µs
 * otherwise in Chromium (a defence against timing attacks). Callers that run in a browser size their
 * rounds to that resolution (see web/src/profiles.ts).
 */
type Hrtime = { hrtime?: { bigint?: () => bigint } };

const hrtime = (globalThis as { process?: Hrtime }).process?.hrtime?.bigint;

/** Starts a stopwatch; the returned function gives the nanoseconds elapsed since. */
export function startTimer(): () => number {
  if (hrtime) {
    const t0 = hrtime();
    return () => Number(hrtime() - t0);
  }
  const t0 = performance.now();
  return () => (performance.now() - t0) * 1e6;
}
