/**
 * The machine's load around a measurement: timings taken while other processes compete for the cores are
 * slower and noisier, so every measured unit records the 1-minute load average before and after it, and
 * a sweep can warn — or, with `--wait-idle <load>`, wait (up to a timeout) — while the machine is busy.
 *
 * The decision logic is pure (readings and a clock are injected), so it is tested without a busy machine.
 */
import { cpus, loadavg } from 'node:os';

/** The 1-, 5- and 15-minute load averages (os.loadavg; zeros on Windows). */
export interface LoadReading {
  load1: number;
  load5: number;
  load15: number;
}

export function readLoad(): LoadReading {
  const [load1, load5, load15] = loadavg();
  return { load1, load5, load15 };
}

/**
 * Busy when the 1-minute load average exceeds the threshold; without a threshold, when it exceeds the
 * core count (more runnable processes than cores: ours would share a core).
 */
export function isBusy(load1: number, threshold?: number, coreCount = cpus().length): boolean {
  return load1 > (threshold ?? coreCount);
}

export interface WaitIdleOptions {
  /** wait while the 1-minute load is above this */
  threshold: number;
  /** give up after this many seconds (then measure anyway, and say so) */
  timeoutSeconds: number;
  /** seconds between readings (default 15) */
  pollSeconds?: number;
  /** injected for tests */
  read?: () => number;
  sleep?: (seconds: number) => Promise<void>;
  now?: () => number;
  log?: (line: string) => void;
}

export interface WaitIdleResult {
  /** the last reading */
  load1: number;
  /** seconds waited */
  waited: number;
  /** true when the timeout ran out with the machine still busy */
  timedOut: boolean;
}

/** Waits until the 1-minute load is at or below the threshold, or the timeout has passed. */
export async function waitForIdle(o: WaitIdleOptions): Promise<WaitIdleResult> {
  const read = o.read ?? (() => readLoad().load1);
  const sleep = o.sleep ?? ((s: number) => new Promise<void>((r) => setTimeout(r, 1000 * s)));
  const now = o.now ?? (() => Date.now() / 1000);
  const poll = o.pollSeconds ?? 15;
  const start = now();
  let load1 = read();
  let told = false;
  while (isBusy(load1, o.threshold)) {
    const waited = now() - start;
    if (waited >= o.timeoutSeconds) {
      o.log?.(`load ${load1.toFixed(2)} still above ${o.threshold} after ${waited.toFixed(0)} s: measuring anyway (the load is recorded)`);
      return { load1, waited, timedOut: true };
    }
    if (!told) o.log?.(`load ${load1.toFixed(2)} above ${o.threshold}: waiting up to ${o.timeoutSeconds} s for an idle machine`);
    told = true;
    await sleep(Math.min(poll, Math.max(0, o.timeoutSeconds - waited)));
    load1 = read();
  }
  return { load1, waited: now() - start, timedOut: false };
}

/** What a sweep does about load before each measured unit: wait for idle (with --wait-idle), else warn when busy. */
export interface LoadPolicy {
  waitIdle?: number;
  waitTimeoutSeconds: number;
}

export const DEFAULT_WAIT_TIMEOUT_SECONDS = 1800;

/**
 * Before a measured unit: with a threshold, waits for it (bounded); without one, warns when the load is
 * above the core count. Returns the reading the unit starts with.
 */
export async function beforeMeasuring(policy: LoadPolicy, log: (line: string) => void, read: () => number = () => readLoad().load1): Promise<number> {
  if (policy.waitIdle !== undefined) return (await waitForIdle({ threshold: policy.waitIdle, timeoutSeconds: policy.waitTimeoutSeconds, read, log })).load1;
  const load1 = read();
  if (isBusy(load1)) log(`warning: load average ${load1.toFixed(2)} on ${cpus().length} cores — timings will be slowed and noisy (--wait-idle <load> waits for an idle machine)`);
  return load1;
}

/** CPU and wall seconds of a block, beside the 1-minute load before and after it. */
export interface MeasuredUnit {
  load_before: number;
  load_after: number;
  wall_seconds: number;
  cpu_seconds: number;
}

/**
 * Starts measuring a unit once `beforeMeasuring` lets it start; the returned function reads the unit so
 * far, at the end or at any point on the way (a resumable job reads it at every checkpoint).
 */
export async function startMeasuring(policy: LoadPolicy, log: (line: string) => void): Promise<() => MeasuredUnit> {
  const load_before = await beforeMeasuring(policy, log);
  const c0 = process.cpuUsage(), w0 = Date.now();
  return () => {
    const c = process.cpuUsage(c0);
    return { load_before, load_after: readLoad().load1, wall_seconds: (Date.now() - w0) / 1000, cpu_seconds: (c.user + c.system) / 1e6 };
  };
}
