/**
 * A worker thread of a team (./team.ts): attaches to the network's shared memory and the control block
 * once, then loops — wait for a job (Atomics.wait on JOB_GEN), run its share of the pass, wait again —
 * until the main thread posts Quit or the run aborts. An exception is reported on this worker's port and
 * aborts the run (every participant leaves its barrier at once); the worker then exits.
 */
import { MessagePort, workerData } from 'node:worker_threads';
import type { AdamStep } from '../adam';
import type { CellSpec } from '../cell';
import type { Precision } from '../buffers';
import type { ParamLayout } from '../layout';
import { adamShare, backwardShare, forwardShare, PassContext } from '../passes';
import { WasmBackend } from '../wasm/backend';
import type { WasmMemory } from '../wasm/api';
import type { Blocking } from '../wasm/blocking';
import type { WindowBuffers } from '../workspace';
import { abortAll, ABORT, AbortedError, ADAM_ARGS, barrier, controlViews, Job, JOB, JOB_GEN, SPIN } from './control';
import { makePartition, MtStrategy } from './partition';
import { viewsFromSpans, ViewSpans } from './views';

export interface WorkerInit {
  participant: number;
  memory: WasmMemory & { buffer: SharedArrayBuffer };
  /** the main thread's compiled kernel module (shared code) */
  module: object;
  /** the kernel set of that module */
  kernels: 'wasm' | 'wasm-fma';
  /** the main thread's product blocking (every participant runs the same kernels) */
  blocking: Blocking;
  precision: Precision;
  cell: CellSpec;
  layout: ParamLayout;
  strategy: MtStrategy;
  threads: number;
  spans: ViewSpans;
  ids: Pick<WindowBuffers, 'T' | 'inputs' | 'targets' | 'stepLoss'>;
  control: SharedArrayBuffer;
  port: MessagePort;
  /** tests only: throw in this job */
  fault?: 'forward' | 'backward' | 'adam';
}

const JOB_NAMES: Record<number, 'forward' | 'backward' | 'adam'> = { [Job.Forward]: 'forward', [Job.Backward]: 'backward', [Job.Adam]: 'adam' };

function main(init: WorkerInit): void {
  const p = init.participant;
  const cb = controlViews(init.control);
  const ctl = cb.ctl;
  const { layout } = init;
  const part = makePartition(init.strategy, init.threads, { neurons: layout.neurons, window: init.ids.T, vocab: layout.vocabSize });
  const backend = WasmBackend.attach(init.precision, init.memory, init.module, init.kernels, init.blocking);
  const views = viewsFromSpans(init.memory.buffer, init.precision, init.spans, init.ids);
  const cx: PassContext = {
    layout, params: views.params, grads: views.grads, ws: views.ws, backend, cell: backend.cell(init.cell), part,
    sync: barrier(ctl, part.parties),
  };
  const step = {} as AdamStep;
  init.port.postMessage({ ready: true });
  let seen = 0;
  for (;;) {
    // wait for the next job: spin briefly (jobs follow each other closely), then sleep
    let spins = 0;
    while (Atomics.load(ctl, JOB_GEN) === seen) {
      if (spins < SPIN) spins++;
      else Atomics.wait(ctl, JOB_GEN, seen, 1000);
    }
    seen = Atomics.load(ctl, JOB_GEN);
    if (Atomics.load(ctl, ABORT) !== 0) return;
    const job = Atomics.load(ctl, JOB) as Job;
    if (job === Job.Quit) return;
    try {
      if (init.fault !== undefined && init.fault === JOB_NAMES[job]) throw new Error(`injected fault in the ${init.fault} job (test)`);
      if (job === Job.Forward) forwardShare(cx, p);
      else if (job === Job.Backward) backwardShare(cx, p);
      else if (job === Job.Adam) {
        ADAM_ARGS.forEach((name, i) => (step[name] = cb.args[i]));
        adamShare(cx, p, views.m, views.v, step);
      }
    } catch (err) {
      if (err instanceof AbortedError) return;
      const e = err as Error;
      init.port.postMessage({ error: e?.message ?? String(err), stack: e?.stack });
      abortAll(ctl, p);
      return;
    }
  }
}

main(workerData as WorkerInit);
