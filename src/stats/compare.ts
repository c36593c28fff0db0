/**
 * Comparing two progress CSVs of the same configuration (tanh vs isru, f64 vs f32), shared by the analyses
 * of the net-size, long and precision sweeps: times are cumulative since the start of the run
 * (docs/ARCHITECTURE.md, "Contracts"), so the time spent between two progress rows is a difference of
 * consecutive rows. Each such interval is one measurement of the ratio b/a; their spread says how noisy
 * the comparison is (the machine is shared), so we report a mean with a 95% confidence interval instead of
 * one number read off the last row. The intervals were interleaved in time (src/sweep/interleaved-training.ts),
 * so both runs of an interval saw the same load.
 */
import { Estimate, estimate } from './stats';

type Row = Record<string, string | number>;

/** The timed phases of a progress row, wall clock. */
export const TIME_PHASES = ['forward_time', 'back_time', 'adam_time'] as const;
/** Wall-clock phases and their total, or the process-CPU columns and theirs (less sensitive to other processes' load). */
export type TimePhase = (typeof TIME_PHASES)[number] | 'total_time' | 'forward_cpu' | 'back_cpu' | 'adam_cpu' | 'total_cpu';

/** Cumulative seconds of a phase in a progress row (a total is the sum of the three phases of its clock). */
export function phaseSeconds(r: Row, phase: TimePhase): number {
  if (phase === 'total_time') return Number(r.forward_time) + Number(r.back_time) + Number(r.adam_time);
  if (phase === 'total_cpu') return Number(r.forward_cpu) + Number(r.back_cpu) + Number(r.adam_cpu);
  return Number(r[phase]);
}

/** Rows of `a` and `b` at the same iterations, in iteration order. */
export function alignRows(a: readonly Row[], b: readonly Row[]): { iteration: number; a: Row; b: Row }[] {
  const byIt = new Map<number, Row>();
  for (const r of b) byIt.set(Number(r.iteration), r);
  return a
    .filter((r) => byIt.has(Number(r.iteration)))
    .sort((x, y) => Number(x.iteration) - Number(y.iteration))
    .map((r) => ({ iteration: Number(r.iteration), a: r, b: byIt.get(Number(r.iteration))! }));
}

export interface IntervalSaving {
  /** iteration at the end of the interval */
  iteration: number;
  /** 1 − b/a of the time spent in the interval: the fraction of a's time that b saves (> 0: b faster) */
  saving: number;
  /** 1 − b/a of the cumulative time since the start */
  cumulativeSaving: number;
}

/**
 * Per-interval and cumulative saving of run b over run a in one phase. The first row (iteration 0: one
 * iteration, dominated by start-up) starts the first interval but is not an interval itself.
 */
export function intervalSavings(a: readonly Row[], b: readonly Row[], phase: TimePhase): IntervalSaving[] {
  const rows = alignRows(a, b);
  const out: IntervalSaving[] = [];
  for (let k = 1; k < rows.length; k++) {
    const da = phaseSeconds(rows[k].a, phase) - phaseSeconds(rows[k - 1].a, phase);
    const db = phaseSeconds(rows[k].b, phase) - phaseSeconds(rows[k - 1].b, phase);
    out.push({
      iteration: rows[k].iteration,
      saving: da > 0 ? 1 - db / da : NaN,
      cumulativeSaving: 1 - phaseSeconds(rows[k].b, phase) / phaseSeconds(rows[k].a, phase),
    });
  }
  return out;
}

/** The saving of b over a in a phase: per-interval estimate plus the whole-run (last row) value. */
export function savingSummary(a: readonly Row[], b: readonly Row[], phase: TimePhase): Estimate & { overall: number } {
  const iv = intervalSavings(a, b, phase);
  const e = estimate(iv.map((s) => s.saving));
  return { ...e, overall: iv.length ? iv[iv.length - 1].cumulativeSaving : NaN };
}

export interface LossDifference {
  /** b.loss − a.loss at the last common row */
  final: number;
  /** mean of b.loss − a.loss over the last `tail` fraction of the common rows, with its spread */
  tail: Estimate;
  iterations: number[];
  differences: number[];
}

/** Smoothed-loss difference b − a over the run; `tailFraction` of the rows at the end summarise it. */
export function lossDifference(a: readonly Row[], b: readonly Row[], tailFraction = 0.2): LossDifference {
  const rows = alignRows(a, b);
  const differences = rows.map((r) => Number(r.b.loss) - Number(r.a.loss));
  const k = Math.max(1, Math.round(rows.length * tailFraction));
  return {
    final: differences.length ? differences[differences.length - 1] : NaN,
    tail: estimate(differences.slice(-k)),
    iterations: rows.map((r) => r.iteration),
    differences,
  };
}
