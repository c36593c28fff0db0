/**
 * The control block shared by the main thread and the workers of one parallel run: a few Int32 words
 * in a SharedArrayBuffer, synchronised with Atomics — never a message per step.
 *
 *   JOB_GEN     incremented by the main thread to start a job (workers Atomics.wait on it)
 *   JOB         which job: forward, backward, adam, quit
 *   BAR_COUNT   arrivals at the current barrier
 *   BAR_GEN     barrier generation (incremented by the last arrival, which releases the others)
 *   ABORT       0, or 1 + the participant index of a worker that threw (everybody leaves at once)
 *   WAITERS     participants blocked in Atomics.wait on BAR_GEN (the releaser skips notify when 0)
 * plus a Float64 area for the job arguments (the Adam step's coefficients, computed once by the main
 * thread). The forward pass's per-step loss terms live in the workspace (stepLoss), summed in step order
 * by the main thread, so the loss is bit-identical to one thread.
 *
 * The barrier spins on Atomics.load for a short while before sleeping in Atomics.wait: the recurrent
 * part of the window needs one barrier per time step, and a sleep/wake round trip (~10–50 µs) there would
 * cost more than the work between two barriers at small sizes. Sleeping waits use a timeout so that an
 * abort is always noticed.
 */
export const JOB_GEN = 0;
export const JOB = 1;
export const BAR_COUNT = 2;
export const BAR_GEN = 3;
export const ABORT = 4;
export const WAITERS = 5;
export const INT_WORDS = 16;

export const enum Job {
  Forward = 1,
  Backward = 2,
  Adam = 3,
  Quit = 4,
}

/** The Float64 argument slots: the fields of an Adam step (../adam.ts AdamStep), in this order. */
export const ADAM_ARGS = ['lr', 'beta1', 'beta2', 'eps', 'c1', 'c2', 'a1', 'a2', 'limit'] as const;
export const ARG_WORDS = ADAM_ARGS.length;

/**
 * Spinning before sleeping, adaptively (like an adaptive mutex): each participant starts with
 * SPIN_MAX Atomics.load iterations (~100–200 µs; a futex wake-up in a VM costs tens of µs, more than a
 * time step of work), doubles its budget when the wait ended while spinning and halves it when it had
 * to sleep. On an idle machine the barrier then stays a spin; when other processes occupy the cores,
 * a spinning thread would steal the time slice of the very thread it waits for, and the budget shrinks
 * towards SPIN_MIN. LSTM_OPT_MT_SPIN overrides SPIN_MAX (0 = always sleep).
 */
export const SPIN_MAX = envInt('LSTM_OPT_MT_SPIN', 50000);
export const SPIN_MIN = Math.min(SPIN_MAX, 256);
/** Spin of the workers waiting for the next job (jobs follow each other closely within an iteration). */
export const SPIN = SPIN_MAX;

function envInt(name: string, dflt: number): number {
  const v = process.env[name];
  const n = Number(v);
  return v !== undefined && v.trim() !== '' && Number.isInteger(n) && n >= 0 ? n : dflt;
}

export class AbortedError extends Error {
  constructor(readonly by: number) {
    super(`aborted by participant ${by}`);
  }
}

export interface ControlBlock {
  sab: SharedArrayBuffer;
  ctl: Int32Array;
  args: Float64Array;
}

export function createControl(): SharedArrayBuffer {
  return new SharedArrayBuffer(INT_WORDS * 4 + ARG_WORDS * 8);
}

export function controlViews(sab: SharedArrayBuffer): ControlBlock {
  return { sab, ctl: new Int32Array(sab, 0, INT_WORDS), args: new Float64Array(sab, INT_WORDS * 4, ARG_WORDS) };
}

function checkAbort(ctl: Int32Array): void {
  const a = Atomics.load(ctl, ABORT);
  if (a !== 0) throw new AbortedError(a - 1);
}

/** A reusable barrier for `parties` participants over the control block (one closure per participant). */
export function barrier(ctl: Int32Array, parties: number): () => void {
  let budget = SPIN_MAX;
  return () => {
    const gen = Atomics.load(ctl, BAR_GEN);
    if (Atomics.add(ctl, BAR_COUNT, 1) === parties - 1) {
      Atomics.store(ctl, BAR_COUNT, 0);
      Atomics.add(ctl, BAR_GEN, 1);
      if (Atomics.load(ctl, WAITERS) > 0) Atomics.notify(ctl, BAR_GEN);
      checkAbort(ctl);
      return;
    }
    for (let i = 0; i < budget; i++) {
      if (Atomics.load(ctl, BAR_GEN) !== gen) {
        if (budget < SPIN_MAX) budget = Math.min(SPIN_MAX, budget * 2);
        checkAbort(ctl);
        return;
      }
    }
    budget = Math.max(SPIN_MIN, budget >> 1);
    Atomics.add(ctl, WAITERS, 1);
    while (Atomics.load(ctl, BAR_GEN) === gen) {
      Atomics.wait(ctl, BAR_GEN, gen, 100);
      if (Atomics.load(ctl, ABORT) !== 0) break;
    }
    Atomics.sub(ctl, WAITERS, 1);
    checkAbort(ctl);
  };
}

/** Marks the run as aborted by participant `by` and wakes everybody (barrier and job waiters). */
export function abortAll(ctl: Int32Array, by: number): void {
  Atomics.compareExchange(ctl, ABORT, 0, by + 1);
  Atomics.add(ctl, BAR_GEN, 1);
  Atomics.notify(ctl, BAR_GEN);
  Atomics.add(ctl, JOB_GEN, 1);
  Atomics.notify(ctl, JOB_GEN);
}
