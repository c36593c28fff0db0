/**
 * When a training run has diverged. A NaN loss is only the last stage: with a huge learning rate and no
 * clipping the loss first climbs to absurd but finite values (1e300) and the parameters with it, and a
 * model saved then produces garbage. So a run counts as diverged when
 *   - the window's loss is not finite, or more than LOSS_FACTOR times the loss of guessing uniformly
 *     (ln V nats per character; at least MIN_LOSS_LIMIT): a net that learns is never ten times worse
 *     than chance, it has become confidently wrong everywhere; or
 *   - a parameter or an Adam moment is not finite, or a parameter's magnitude exceeds PARAM_LIMIT
 *     (Adam moves a parameter by about lr per step; a useful net keeps its weights within a few units).
 * The loss is checked every iteration (free); the arrays, O(parameters), before anything is written.
 */
import type { Float } from './buffers';

export const LOSS_FACTOR = 10;
export const MIN_LOSS_LIMIT = 20;
export const PARAM_LIMIT = 1e5;

/** The largest window loss (nats per character) that does not count as divergence. */
export function lossLimit(vocabSize: number): number {
  return Math.max(LOSS_FACTOR * Math.log(vocabSize), MIN_LOSS_LIMIT);
}

/**
 * Whether a checkpoint whose next window had this loss is worth keeping: at most half the divergence
 * limit. A checkpoint just below the limit would resume into a divergence a window or two later
 * whatever the new settings; a run that learns never gets near half of it.
 */
export function healthyLoss(loss: number, vocabSize: number): boolean {
  return loss <= lossLimit(vocabSize) / 2;
}

/** Why this loss means divergence (short phrase), or undefined when it is plausible. */
export function lossProblem(loss: number, vocabSize: number): string | undefined {
  if (!Number.isFinite(loss)) return `the loss became ${loss}`;
  const limit = lossLimit(vocabSize);
  if (loss > limit) return `the loss exploded to ${loss.toPrecision(3)} (more than ${limit.toFixed(1)}, ${LOSS_FACTOR}x the ${Math.log(vocabSize).toFixed(2)} of a uniform guess)`;
  return undefined;
}

/** Why these arrays mean divergence (short phrase), or undefined when they are sound. */
export function arraysProblem(params: Float, moments: Float[] = []): string | undefined {
  for (let k = 0; k < params.length; k++) {
    const p = params[k];
    if (!Number.isFinite(p)) return `parameter ${k} became ${p}`;
    if (p > PARAM_LIMIT || p < -PARAM_LIMIT) return `parameter ${k} exploded to ${p.toPrecision(3)} (limit ±${PARAM_LIMIT})`;
  }
  for (const a of moments) {
    for (let k = 0; k < a.length; k++) if (!Number.isFinite(a[k])) return `an Adam moment became ${a[k]}`;
  }
  return undefined;
}
