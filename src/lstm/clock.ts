/**
 * The clocks a trainer times its phases with. On Node: wall time from process.hrtime and the process's
 * CPU time (user + system, all threads) from process.cpuUsage, which tells a slow phase from a machine
 * busy with other work. A browser has neither: wall time from performance.now() and no CPU time.
 */
export interface PhaseClock {
  /** seconds since an arbitrary origin, monotonic */
  wall(): number;
  /** CPU seconds this process has used since an arbitrary origin; undefined where it is not measurable */
  cpu(): number | undefined;
}

/** Node's clocks (only call where `process` exists). */
export function nodeClock(): PhaseClock {
  const origin = process.hrtime.bigint();
  return {
    wall: () => Number(process.hrtime.bigint() - origin) / 1e9,
    cpu: () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1e6;
    },
  };
}

/** A browser's (or any host's) clock: performance.now(), no CPU time. */
export function performanceClock(): PhaseClock {
  return { wall: () => performance.now() / 1e3, cpu: () => undefined };
}

/** Node's clocks under Node, performance.now() elsewhere. */
export function defaultClock(): PhaseClock {
  return typeof process !== 'undefined' && typeof process.cpuUsage === 'function' && typeof process.hrtime?.bigint === 'function' ? nodeClock() : performanceClock();
}
