/**
 * The math-bench profiles in a browser. The harness settings are the command line's (src/studies/math-bench), with
 * one change: a round must be long against the timer's resolution, which is 5 µs in a cross-origin isolated
 * page (0.25 ms rounds, as in Node, are then timed to 2%) but 100 µs without isolation, where rounds of
 * 2 ms keep it to 5% per round, less for the median over rounds, which the timer's jitter dithers (the
 * careful profile then takes 301 rounds instead of 1501, a few minutes).
 */
import { CAREFUL_MATH_BENCH, MathBenchProfile, QUICK_MATH_BENCH } from '../../src/studies/math-bench/core';

/** The timer resolution (µs) below which the command line's rounds are kept. */
const FINE_TIMER_US = 20;

export function browserProfile(name: 'quick' | 'careful', timerResolutionUs: number): MathBenchProfile {
  const base = name === 'quick' ? QUICK_MATH_BENCH : CAREFUL_MATH_BENCH;
  if (timerResolutionUs <= FINE_TIMER_US) return base;
  const roundMs = Math.max(base.harness.roundMs, timerResolutionUs * 20 / 1000);
  const rounds = name === 'quick' ? base.harness.rounds : 301;
  return { name, harness: { ...base.harness, roundMs, rounds } };
}
