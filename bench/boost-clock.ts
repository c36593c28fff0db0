/**
 * An estimate of the clock the cores actually run at (turbo included), for stating measured GFLOP/s
 * against the peak at that clock beside the nominal one (src/io/peak.ts). /proc/cpuinfo gives the
 * nominal clock only, and under a hypervisor nothing else.
 *
 * Method: a chain of dependent 32-bit integer additions, 16 per loop iteration, each waiting for the one
 * before. An integer add has a latency of one cycle on every x64 and arm64 core of the last decade, and the
 * loop's own counter runs beside the chain, so the chain takes one cycle per addition: additions per second
 * of the process's CPU time is the clock. CPU time, not wall time, so that a busy machine's preemption does
 * not lower it (a hypervisor's stolen time, where the guest still counts it, can; the estimate is then low).
 * The median over 15 rounds is taken. An answer outside 0.5-2.5 times the nominal clock means the measurement went wrong: undefined.
 */

/** 16 dependent additions per iteration; `y` comes from outside so the JIT cannot fold the chain. */
function chain(n: number, y: number): number {
  let x = 0;
  for (let i = 0; i < n; i++) {
    x = (x + y) | 0; x = (x + y) | 0; x = (x + y) | 0; x = (x + y) | 0;
    x = (x + y) | 0; x = (x + y) | 0; x = (x + y) | 0; x = (x + y) | 0;
    x = (x + y) | 0; x = (x + y) | 0; x = (x + y) | 0; x = (x + y) | 0;
    x = (x + y) | 0; x = (x + y) | 0; x = (x + y) | 0; x = (x + y) | 0;
  }
  return x;
}

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e3;
};

/** MHz the cores run this chain at (median of 15 rounds of about 10 ms), or undefined when implausible. */
export function estimateBoostMhz(nominalMhz: number): number | undefined {
  let sink = 0;
  for (let w = 0; w < 5; w++) sink += chain(200_000, w);
  const n = 1_000_000;
  const mhz: number[] = [];
  for (let r = 0; r < 15; r++) {
    const t = cpuMs();
    sink += chain(n, r + 1);
    const ms = cpuMs() - t;
    if (ms > 0) mhz.push((16 * n) / ms / 1e3);
  }
  if (sink === 0.5) mhz.push(0); // never true: keeps the chains' results alive
  mhz.sort((a, b) => a - b);
  const m = mhz[mhz.length >> 1];
  return m !== undefined && Number.isFinite(nominalMhz) && m > 0.5 * nominalMhz && m < 2.5 * nominalMhz ? m : undefined;
}
