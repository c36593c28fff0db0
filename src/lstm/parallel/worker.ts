/**
 * A worker thread of a parallel run: attaches to the network's shared memory and the control block
 * once, then loops — wait for a job (Atomics.wait on JOB_GEN), run its share, wait again — until the
 * main thread posts Quit or the run aborts. An exception is reported on this worker's port and aborts
 * the run (every participant leaves its barrier at once); the worker then exits.
 */
import { MessagePort, workerData } from 'node:worker_threads';
import type { Activation } from '../cell';
import { cellKernels } from '../cell';
import type { Precision } from '../buffers';
import type { ParamLayout } from '../layout';
import { abortAll, AbortedError, ARG_B1, ARG_B2, ARG_EPS, ARG_FRESH, ARG_LIMIT, ARG_LR, ARG_T, barrier, controlViews, Job, JOB, JOB_GEN, SPIN } from './control';
import { attachKernels } from './kernels';
import { makePartition, MtStrategy } from './partition';
import { adamShare, backwardShare, forwardShare, PassContext } from './passes';
import { viewsFromSpans, ViewSpans } from './views';

export interface WorkerInit {
  participant: number;
  memory: { buffer: SharedArrayBuffer };
  /** the main thread's compiled kernel module (shared code) */
  module: object;
  precision: Precision;
  activation: Activation;
  layout: ParamLayout;
  window: number;
  strategy: MtStrategy;
  threads: number;
  spans: ViewSpans;
  inputs: Int32Array;
  targets: Int32Array;
  control: SharedArrayBuffer;
  port: MessagePort;
  /** tests only: throw in this job */
  fault?: 'forward' | 'backward' | 'adam';
}

function main(init: WorkerInit): void {
  const p = init.participant;
  const cb = controlViews(init.control, init.window);
  const ctl = cb.ctl;
  const part = makePartition(init.strategy, init.threads, { neurons: init.layout.neurons, window: init.window, vocab: init.layout.vocabSize });
  const cells = cellKernels(init.activation);
  const cx: PassContext = {
    layout: init.layout, T: init.window,
    views: viewsFromSpans(init.memory.buffer, init.precision, init.spans, init.inputs, init.targets, cb.loss),
    kern: attachKernels(init.precision, init.memory, init.module),
    part, cellForward: cells.forward, cellBackward: cells.backward,
    sync: barrier(ctl, part.parties),
  };
  const hyper = { lr: 0, beta1: 0, beta2: 0, eps: 0 };
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
    if (Atomics.load(ctl, 4 /* ABORT */) !== 0) return;
    const job = Atomics.load(ctl, JOB) as Job;
    if (job === Job.Quit) return;
    try {
      if (init.fault !== undefined && ((init.fault === 'forward' && job === Job.Forward) || (init.fault === 'backward' && job === Job.Backward) || (init.fault === 'adam' && job === Job.Adam))) {
        throw new Error(`injected fault in the ${init.fault} job (test)`);
      }
      if (job === Job.Forward) forwardShare(cx, p);
      else if (job === Job.Backward) backwardShare(cx, p, cb.args[ARG_FRESH] !== 0);
      else if (job === Job.Adam) {
        hyper.lr = cb.args[ARG_LR];
        hyper.beta1 = cb.args[ARG_B1];
        hyper.beta2 = cb.args[ARG_B2];
        hyper.eps = cb.args[ARG_EPS];
        adamShare(cx, p, cb.args[ARG_T], hyper, cb.args[ARG_LIMIT]);
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
