/**
 * The blockings of the WebAssembly product kernels: how many rows of W one gemv step handles, and the
 * register tile of gemmnt (rows of A x rows of B). ./assembly/dense-kernels.ts builds every product from
 * tiles that sum each output element in the same order, so all blockings give the same bits and the
 * choice between them is a matter of speed only (./autotune.ts picks one per machine and network).
 *
 * A blocking is written `gemv-r8.gemmnt-2x4` (in LSTM_OPT_BLOCKING, `--blocking` and the progress
 * file's kernels column); either half alone leaves the other at its default.
 */
import { UserError } from '../../errors';

export const GEMV_BLOCKINGS = ['r1', 'r2', 'r4', 'r4u2', 'r8'] as const;
export const GEMMNT_BLOCKINGS = ['2x4', '2x4u2', '4x2', '4x4', '1x8'] as const;
export type GemvBlocking = (typeof GEMV_BLOCKINGS)[number];
export type GemmntBlocking = (typeof GEMMNT_BLOCKINGS)[number];

export interface Blocking {
  gemv: GemvBlocking;
  gemmnt: GemmntBlocking;
}

/** The blocking of every build before there was a choice; what runs when nothing chooses. */
export const DEFAULT_BLOCKING: Blocking = { gemv: 'r4', gemmnt: '2x4' };

/** The module's export that computes `kernel` with blocking `b`, e.g. gemmnt_2x4. */
export function blockingExport(kernel: 'gemv' | 'gemmnt', b: Blocking): string {
  return `${kernel}_${b[kernel]}`;
}

/** 'gemv-r4.gemmnt-2x4' */
export function blockingLabel(b: Blocking): string {
  return `gemv-${b.gemv}.gemmnt-${b.gemmnt}`;
}

/** Every combination, for the tests that run the engine with each one. */
export function allBlockings(): Blocking[] {
  return GEMV_BLOCKINGS.flatMap((gemv) => GEMMNT_BLOCKINGS.map((gemmnt) => ({ gemv, gemmnt })));
}

/** What a user may ask for: a blocking, 'auto' (tune on this machine) or 'default' (DEFAULT_BLOCKING). */
export type BlockingRequest = Blocking | 'auto' | 'default';

const HINT = `'auto', 'default', or gemv-<${GEMV_BLOCKINGS.join('|')}>.gemmnt-<${GEMMNT_BLOCKINGS.join('|')}> (either half alone)`;

/** Parses a blocking request; a malformed one is a UserError naming `source`. */
export function parseBlocking(text: string, source = 'blocking'): BlockingRequest {
  const s = text.trim();
  if (s === 'auto' || s === 'default') return s;
  const b: Blocking = { ...DEFAULT_BLOCKING };
  const seen = new Set<string>();
  for (const part of s.split('.')) {
    const m = /^(gemv|gemmnt)-(.+)$/.exec(part);
    const ok = m !== null && !seen.has(m[1]) && (m[1] === 'gemv' ? (GEMV_BLOCKINGS as readonly string[]) : (GEMMNT_BLOCKINGS as readonly string[])).includes(m[2]);
    if (!ok) throw new UserError(`${source} must be ${HINT}, got '${text}'`);
    seen.add(m[1]);
    if (m[1] === 'gemv') b.gemv = m[2] as GemvBlocking;
    else b.gemmnt = m[2] as GemmntBlocking;
  }
  return b;
}

/** The request of LSTM_OPT_BLOCKING, or undefined when it is unset or empty. */
export function blockingFromEnv(): BlockingRequest | undefined {
  const env = typeof process === 'undefined' ? undefined : process.env.LSTM_OPT_BLOCKING; // a browser has no environment
  if (env === undefined || env === '') return undefined;
  return parseBlocking(env, 'LSTM_OPT_BLOCKING');
}

export function sameBlocking(a: Blocking, b: Blocking): boolean {
  return a.gemv === b.gemv && a.gemmnt === b.gemmnt;
}
