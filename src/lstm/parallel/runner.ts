/**
 * Who runs the passes of ../passes.ts for a trainer: the main thread alone (SoloRunner, here), or a team
 * of worker threads (./team.ts). Trainer (../trainer.ts) holds a PassRunner and imports ./team.ts only
 * when threads are started, so the engine's training step has no Node built-in on its import path and a
 * bundler can take it into a browser page.
 */
import type { AdamStep } from '../adam';
import type { Float } from '../buffers';
import type { Lstm } from '../network';
import { adamShare, backwardShare, forwardShare, PassContext, windowLoss } from '../passes';
import type { Workspace } from '../workspace';

export interface PassRunner {
  /** participants, the main thread included */
  readonly parties: number;
  /** worker threads still running (0 for the main thread alone) */
  readonly liveWorkers: number;
  /** the forward pass over ws.inputs/targets; returns the window's mean loss */
  forward(): number;
  /** grads := gradient of the last forward's mean loss */
  backward(): void;
  /** one Adam step of the parameters with the runner's moments */
  adam(k: AdamStep): void;
  /** stops any worker threads */
  close(): Promise<void>;
}

/** The main thread alone: participant 0 of a one-participant partition, no barrier. */
export class SoloRunner implements PassRunner {
  readonly parties = 1;
  readonly liveWorkers = 0;
  private readonly cx: PassContext;

  constructor(net: Lstm, readonly ws: Workspace, private readonly m: Float, private readonly v: Float) {
    this.cx = net.soloContext(ws);
  }

  forward(): number {
    forwardShare(this.cx, 0);
    return windowLoss(this.ws);
  }

  backward(): void {
    backwardShare(this.cx, 0);
  }

  adam(k: AdamStep): void {
    adamShare(this.cx, 0, this.m, this.v, k);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
