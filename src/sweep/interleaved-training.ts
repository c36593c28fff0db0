/**
 * Trains two (or more) runs that are to be compared, interleaved in chunks of iterations in one process:
 * run A for `chunk` iterations, then run B, then A again... On a shared machine the load changes over
 * minutes; back-to-back runs would see different loads, interleaved ones see the same mix, so their time
 * ratio is meaningful. The arithmetic of each run is unchanged (each Trainer keeps its own state), so the
 * losses equal those of separate `lstm-opt train` runs with the same settings.
 *
 * Used by the precision sweep (every variant in f32 and f64).
 */
import { Corpus } from '../data/corpus';
import { CellSpec, cellName } from '../lstm/cell-spec';
import type { Precision } from '../lstm/buffers';
import { Lstm } from '../lstm/network';
import { ProgressRow, runTraining, sampleText } from '../lstm/training-loop';
import { corpusIdentity, DEFAULT_TRAINER, Trainer } from '../lstm/trainer';

export interface RunSpec {
  layers: number;
  neurons: number;
  cell: CellSpec;
  precision: Precision;
  seed: number;
}

export interface InterleaveOptions {
  iterations: number;
  progressEvery: number;
  /** iterations per turn (default: progressEvery) */
  chunk?: number;
  /** characters of generated text at the end (0 = none) */
  sampleChars?: number;
  /** called after every iteration of any run (progress bar) */
  onIteration?: () => void;
}

export interface InterleavedResult {
  rows: ProgressRow[];
  sample: string;
}

/**
 * Trains every spec for `iterations` iterations, interleaved. Rows are those of an uninterrupted
 * `runTraining` (iteration k when k % progressEvery == 0, and the last one): chunk boundaries add none.
 * Throws if a run diverges (nothing is written by the caller then).
 */
export async function trainInterleaved(corpus: Corpus, specs: RunSpec[], o: InterleaveOptions): Promise<InterleavedResult[]> {
  const identity = corpusIdentity(corpus.source, corpus.ids);
  const chunk = o.chunk ?? o.progressEvery;
  const runs = specs.map((s) => {
    const net = new Lstm({
      vocabSize: corpus.vocab.length, layers: s.layers, neurons: s.neurons, cell: s.cell, precision: s.precision, seed: s.seed,
    });
    const trainer = new Trainer(net, corpus.vocab, identity, { ...DEFAULT_TRAINER, seed: s.seed });
    return { spec: s, trainer, rows: [] as ProgressRow[] };
  });
  for (let done = 0; done < o.iterations; ) {
    const target = Math.min(o.iterations, done + chunk);
    for (const r of runs) {
      const res = await runTraining(
        r.trainer,
        { iterations: target, progressEvery: o.progressEvery, sampleEvery: 0, storeEvery: 0 },
        {
          onRow: (row) => {
            // runTraining also reports the last iteration of every chunk; keep only the uninterrupted run's rows
            if (row.iteration % o.progressEvery === 0 || row.iteration === o.iterations - 1) r.rows.push(row);
          },
          onIteration: o.onIteration,
        },
      );
      if (res.reason !== 'done') throw new Error(`${r.spec.layers}x${r.spec.neurons} ${cellName(r.trainer.net.config.cell)} ${r.spec.precision}: training ${res.reason} at iteration ${r.trainer.iteration}`);
    }
    done = target;
  }
  return runs.map((r) => ({ rows: r.rows, sample: o.sampleChars ? sampleText(r.trainer, o.sampleChars) : '' }));
}
