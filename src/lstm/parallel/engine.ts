/**
 * Multi-threaded passes for one network and one window size: a pool of worker threads started once per
 * run over the network's shared WebAssembly memory, driven by Atomics barriers (./control.ts). The main
 * thread is participant 0 and does its share of every job; `threads` counts it (rows strategy: threads
 * participants = threads − 1 workers; gates strategy: always 5 participants, the original's split).
 *
 *   const engine = await ParallelEngine.start(net, ws, m, v, { threads: 2, strategy: 'rows' });
 *   trainer.engine = engine;   // Trainer.step now runs forward, backward and Adam in parallel
 *   ...
 *   await engine.close();      // workers exit; always call it (finally)
 *
 * Results are bit-identical to the single-thread engine (see ./passes.ts for why). A worker that throws
 * aborts the job: every participant leaves its barrier at once, the call on the main thread throws an
 * Error naming the worker and its message, and the engine is closed (workers terminated).
 * Requires the network's 'wasm' kernels (its buffers must live in one shared memory).
 */
import { join } from 'node:path';
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { AdamHyper } from '../adam';
import { cellKernels } from '../cell';
import type { Float } from '../buffers';
import type { Lstm, Workspace } from '../network';
import {
  abortAll, AbortedError, ARG_B1, ARG_B2, ARG_EPS, ARG_FRESH, ARG_LIMIT, ARG_LR, ARG_T, barrier, ControlBlock, controlViews, createControl, Job, JOB, JOB_GEN,
} from './control';
import { attachKernels } from './kernels';
import { kernelModule } from '../wasm/kernels';
import { makePartition, MtStrategy } from './partition';
import { adamShare, backwardShare, forwardShare, PassContext } from './passes';
import { viewSpans, viewsFromSpans } from './views';
import type { WorkerInit } from './worker';

export interface ParallelOptions {
  /** participants including the main thread (rows strategy); >= 2 */
  threads: number;
  strategy: MtStrategy;
  /** tests only: make worker `participant` throw in this job */
  fault?: { participant: number; job: 'forward' | 'backward' | 'adam' };
}

/** What Trainer.step needs from a pass engine (the single-thread path uses the Lstm itself). */
export interface PassEngine {
  forward(ws: Workspace): number;
  /** grads := gradient of the last forward's mean loss */
  backwardFresh(ws: Workspace): void;
  adamStep(m: Float, v: Float, t: number, h: AdamHyper, limit: number): void;
}

export class ParallelWorkerError extends Error {}

export class ParallelEngine implements PassEngine {
  private closed = false;
  private closing: Promise<void> | undefined;
  private failure: Error | undefined;
  private readonly cx: PassContext;
  private readonly cb: ControlBlock;

  private constructor(
    readonly net: Lstm,
    readonly ws: Workspace,
    readonly options: ParallelOptions,
    readonly parties: number,
    private readonly workers: Worker[],
    private readonly ports: MessagePort[],
    control: SharedArrayBuffer,
    m: Float,
    v: Float,
  ) {
    this.cb = controlViews(control, ws.T);
    const part = makePartition(options.strategy, options.threads, { neurons: net.layout.neurons, window: ws.T, vocab: net.layout.vocabSize });
    const cells = cellKernels(net.config.activation);
    const arena = net.arena!;
    this.cx = {
      layout: net.layout, T: ws.T,
      views: viewsFromSpans(arena.memory.buffer, net.config.precision, viewSpans(net.params, net.grads, m, v, ws), ws.inputs, ws.targets, this.cb.loss),
      kern: attachKernels(net.config.precision, arena.memory),
      part, cellForward: cells.forward, cellBackward: cells.backward,
      sync: barrier(this.cb.ctl, part.parties),
    };
  }

  /** Starts the workers (resolves once every one of them has attached to the memory). */
  static async start(net: Lstm, ws: Workspace, m: Float, v: Float, options: ParallelOptions): Promise<ParallelEngine> {
    const arena = net.arena;
    if (!arena) throw new RangeError('multi-threaded training needs the WebAssembly kernels (this network uses the JS kernels)');
    if (!Number.isInteger(options.threads) || options.threads < 2) throw new RangeError(`threads must be an integer >= 2, got ${options.threads}`);
    const part = makePartition(options.strategy, options.threads, { neurons: net.layout.neurons, window: ws.T, vocab: net.layout.vocabSize });
    const control = createControl(ws.T);
    const spans = viewSpans(net.params, net.grads, m, v, ws);
    const workers: Worker[] = [];
    const ports: MessagePort[] = [];
    const ready: Promise<void>[] = [];
    for (let p = 1; p < part.parties; p++) {
      const ch = new MessageChannel();
      const init: WorkerInit = {
        participant: p, memory: arena.memory as unknown as WorkerInit['memory'], module: kernelModule(net.config.precision)!, precision: net.config.precision, activation: net.config.activation,
        layout: net.layout, window: ws.T, strategy: options.strategy, threads: options.threads, spans,
        inputs: ws.inputs, targets: ws.targets, control, port: ch.port2,
        fault: options.fault?.participant === p ? options.fault.job : undefined,
      };
      const w = new Worker(join(__dirname, 'worker.js'), { workerData: init, transferList: [ch.port2] });
      w.unref();
      workers.push(w);
      ports.push(ch.port1);
      ready.push(new Promise<void>((resolve, reject) => {
        ch.port1.once('message', (msg: { ready?: boolean; error?: string }) => (msg.ready ? resolve() : reject(new ParallelWorkerError(`worker ${p} failed to start: ${msg.error}`))));
        w.once('error', (err) => reject(new ParallelWorkerError(`worker ${p} failed to start: ${err.message}`)));
        w.once('exit', (code) => reject(new ParallelWorkerError(`worker ${p} exited during start-up (code ${code})`)));
      }));
      // after start-up, an uncaught error is reported by the job that notices the abort
      w.on('error', () => undefined);
    }
    try {
      await Promise.all(ready);
    } catch (err) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw err;
    }
    for (const port of ports) {
      port.removeAllListeners('message');
      port.unref();
    }
    return new ParallelEngine(net, ws, options, part.parties, workers, ports, control, m, v);
  }

  /** Workers still running (0 after close). */
  get liveWorkers(): number {
    return this.workers.filter((w) => w.threadId >= 0).length;
  }

  private run(job: Job, share: () => void): void {
    if (this.failure) throw this.failure;
    if (this.closed) throw new Error('the parallel engine is closed');
    const ctl = this.cb.ctl;
    Atomics.store(ctl, JOB, job);
    Atomics.add(ctl, JOB_GEN, 1);
    Atomics.notify(ctl, JOB_GEN);
    try {
      share();
    } catch (err) {
      if (!(err instanceof AbortedError)) abortAll(ctl, 0);
      this.fail(err as Error);
    }
  }

  /** Collects the failing worker's message, stops every worker, and throws one clear error. */
  private fail(err: Error): never {
    let message = err.message;
    if (err instanceof AbortedError) {
      message = `worker ${err.by} failed`;
      const port = this.ports[err.by - 1];
      const msg = port ? receiveMessageOnPort(port)?.message as { error?: string } | undefined : undefined;
      if (msg?.error) message += `: ${msg.error}`;
    } else message = `main thread failed during a parallel pass: ${message}`;
    this.failure = new ParallelWorkerError(`multi-threaded training stopped: ${message}`);
    void this.close();
    throw this.failure;
  }

  private check(ws: Workspace): void {
    if (ws !== this.ws) throw new RangeError('this parallel engine was started for another workspace');
  }

  forward(ws: Workspace): number {
    this.check(ws);
    this.run(Job.Forward, () => forwardShare(this.cx, 0));
    const terms = this.cb.loss;
    let loss = 0;
    for (let t = 0; t < ws.T; t++) loss += terms[t]; // in step order, as the single-thread forward sums
    return loss / ws.T;
  }

  backwardFresh(ws: Workspace): void {
    this.check(ws);
    this.cb.args[ARG_FRESH] = 1;
    this.run(Job.Backward, () => backwardShare(this.cx, 0, true));
  }

  adamStep(_m: Float, _v: Float, t: number, h: AdamHyper, limit: number): void {
    const a = this.cb.args;
    a[ARG_T] = t;
    a[ARG_LR] = h.lr;
    a[ARG_B1] = h.beta1;
    a[ARG_B2] = h.beta2;
    a[ARG_EPS] = h.eps;
    a[ARG_LIMIT] = limit;
    this.run(Job.Adam, () => adamShare(this.cx, 0, t, h, limit));
  }

  /** Lstm.lossAndGradients through the parallel passes (window length = this engine's T). */
  lossAndGradients(inputs: ArrayLike<number>, targets: ArrayLike<number>): number {
    const ws = this.ws;
    if (inputs.length !== ws.T || targets.length !== ws.T) throw new RangeError(`inputs and targets must have length ${ws.T}`);
    ws.inputs.set(inputs);
    ws.targets.set(targets);
    ws.resetState();
    const loss = this.forward(ws);
    this.backwardFresh(ws);
    return loss;
  }

  /** Stops the workers (they leave their wait loop; any still running after 1 s is terminated). */
  close(): Promise<void> {
    this.closing ??= this.stopWorkers();
    return this.closing;
  }

  private async stopWorkers(): Promise<void> {
    this.closed = true;
    const ctl = this.cb.ctl;
    Atomics.store(ctl, JOB, Job.Quit);
    Atomics.add(ctl, JOB_GEN, 1);
    Atomics.notify(ctl, JOB_GEN);
    // keep the event loop alive until every worker is gone (they are unref'd while the run goes on)
    await Promise.all(this.workers.map((w) => new Promise<void>((resolve) => {
      if (w.threadId < 0) return resolve(); // already gone
      w.ref();
      const timer = setTimeout(() => void w.terminate().then(() => resolve()), 1000);
      w.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    })));
    for (const port of this.ports) port.close();
  }
}
