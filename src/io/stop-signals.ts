/**
 * The one way a long command is asked to stop: Ctrl-C (SIGINT), SIGTERM (containers, batch schedulers)
 * and SIGHUP (a closed terminal). The first signal only marks the request, so the work can finish its
 * current step and leave its files whole; a second one exits at once, with the shell's exit code.
 */
import { constants as osConstants } from 'node:os';

export const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** The shell's convention: 128 + the signal's number (130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP). */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + osConstants.signals[signal];
}

export interface StopRequest {
  /** the signal that asked to stop, once one has */
  readonly signal: NodeJS.Signals | undefined;
  /** stops listening (call when the work is over) */
  release(): void;
}

/** Listens for the stop signals until released. */
export function listenForStop(): StopRequest {
  let signal: NodeJS.Signals | undefined;
  const onSignal = (s: NodeJS.Signals): void => {
    if (signal) process.exit(signalExitCode(s));
    signal = s;
  };
  for (const s of STOP_SIGNALS) process.on(s, onSignal);
  return {
    get signal() {
      return signal;
    },
    release: () => {
      for (const s of STOP_SIGNALS) process.removeListener(s, onSignal);
    },
  };
}
