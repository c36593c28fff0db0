/**
 * The participants that run the passes of ../passes.ts for one network and one window: the main thread
 * alone (Team.solo: one participant, a barrier that does nothing), or the main thread plus worker
 * threads started once per run over the network's shared WebAssembly memory and driven by Atomics
 * barriers (./control.ts). The main thread is participant 0 and does its share of every job; `threads`
 * counts it (rows strategy: threads participants = threads − 1 workers; gates strategy: always 5
 * participants, the original study's split).
 *
 *   const team = await Team.start(net, ws, m, v, { threads: 2, strategy: 'rows' });
 *   const loss = team.forward(); team.backward(); team.adam(step);
 *   await team.close();      // workers exit; always call it (finally)
 *
 * Trainer (../trainer.ts) owns its team; callers only say how many threads. Results are bit-identical
 * for any team (../passes.ts says why). A worker that throws aborts the job: every participant leaves
 * its barrier at once, the call on the main thread throws a ParallelWorkerError naming the worker and
 * its message, and the team is closed (workers terminated). More than one participant needs the
 * network's 'wasm' backend (its buffers must live in one shared memory).
 */
import { join } from 'node:path';
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { AdamStep } from '../adam';
import type { Float } from '../buffers';
import type { Lstm } from '../network';
import { adamShare, backwardShare, forwardShare, PassContext, windowLoss } from '../passes';
import type { Workspace } from '../workspace';
import { WasmBackend } from '../wasm/backend';
import { abortAll, AbortedError, ADAM_ARGS, barrier, ControlBlock, controlViews, createControl, Job, JOB, JOB_GEN } from './control';
import { makePartition, MtStrategy } from './partition';
import type { PassRunner } from './runner';
import { viewSpans } from './views';
import type { WorkerInit } from './worker';

export interface TeamOptions {
  /** participants including the main thread (rows strategy); 1 = the main thread alone */
  threads: number;
  strategy: MtStrategy;
  /** tests only: make worker `participant` throw in this job */
  fault?: { participant: number; job: 'forward' | 'backward' | 'adam' };
}

export class ParallelWorkerError extends Error {}

/** The worker threads of a team and their control block (absent for a team of one). */
interface Pool {
  workers: Worker[];
  ports: MessagePort[];
  cb: ControlBlock;
}

export class Team implements PassRunner {
  private closed = false;
  private closing: Promise<void> | undefined;
  private failure: Error | undefined;

  private constructor(
    readonly ws: Workspace,
    private readonly cx: PassContext,
    private readonly m: Float,
    private readonly v: Float,
    private readonly pool: Pool | undefined,
  ) {}

  /** The main thread alone: the passes with one participant and no barrier. */
  static solo(net: Lstm, ws: Workspace, m: Float, v: Float): Team {
    return new Team(ws, net.soloContext(ws), m, v, undefined);
  }

  /** A team of options.threads participants (resolves once every worker has attached to the memory). */
  static async start(net: Lstm, ws: Workspace, m: Float, v: Float, options: TeamOptions): Promise<Team> {
    if (!Number.isInteger(options.threads) || options.threads < 1) throw new RangeError(`threads must be a positive integer, got ${options.threads}`);
    if (options.threads === 1) return Team.solo(net, ws, m, v);
    const backend = net.backend;
    if (!(backend instanceof WasmBackend)) throw new RangeError('multi-threaded training needs the WebAssembly kernels (this network uses the JS kernels)');
    const part = makePartition(options.strategy, options.threads, { neurons: net.layout.neurons, window: ws.T, vocab: net.layout.vocabSize });
    const control = createControl();
    const spans = viewSpans(net.params, net.grads, m, v, ws);
    const workers: Worker[] = [];
    const ports: MessagePort[] = [];
    const ready: Promise<void>[] = [];
    for (let p = 1; p < part.parties; p++) {
      const ch = new MessageChannel();
      const init: WorkerInit = {
        participant: p, memory: backend.memory as WorkerInit['memory'], module: backend.module, kernels: backend.kind, blocking: backend.blocking, precision: net.config.precision, cell: net.config.cell,
        layout: net.layout, strategy: options.strategy, threads: options.threads, spans,
        ids: { T: ws.T, inputs: ws.inputs, targets: ws.targets, stepLoss: ws.stepLoss }, control, port: ch.port2,
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
    const cb = controlViews(control);
    const cx: PassContext = { ...net.soloContext(ws), part, sync: barrier(cb.ctl, part.parties) };
    return new Team(ws, cx, m, v, { workers, ports, cb });
  }

  /** Participants, the main thread included. */
  get parties(): number {
    return this.cx.part.parties;
  }

  /** Workers still running (0 after close, and for a team of one). */
  get liveWorkers(): number {
    return this.pool ? this.pool.workers.filter((w) => w.threadId >= 0).length : 0;
  }

  /** Runs one job: the workers' shares start, the main thread does share 0 (which ends at a barrier). */
  private run(job: Job, share: () => void): void {
    const pool = this.pool;
    if (!pool) return share();
    if (this.failure) throw this.failure;
    if (this.closed) throw new Error('the team of threads is closed');
    const ctl = pool.cb.ctl;
    Atomics.store(ctl, JOB, job);
    Atomics.add(ctl, JOB_GEN, 1);
    Atomics.notify(ctl, JOB_GEN);
    try {
      share();
    } catch (err) {
      if (!(err instanceof AbortedError)) abortAll(ctl, 0);
      this.fail(pool, err as Error);
    }
  }

  /** Collects the failing worker's message, stops every worker, and throws one clear error. */
  private fail(pool: Pool, err: Error): never {
    let message = err.message;
    if (err instanceof AbortedError) {
      message = `worker ${err.by} failed`;
      const port = pool.ports[err.by - 1];
      const msg = port ? receiveMessageOnPort(port)?.message as { error?: string } | undefined : undefined;
      if (msg?.error) message += `: ${msg.error}`;
    } else message = `main thread failed during a parallel pass: ${message}`;
    this.failure = new ParallelWorkerError(`multi-threaded training stopped: ${message}`);
    void this.close();
    throw this.failure;
  }

  /** The forward pass over ws.inputs/targets; returns the window's mean loss. */
  forward(): number {
    this.run(Job.Forward, () => forwardShare(this.cx, 0));
    return windowLoss(this.ws);
  }

  /** grads := gradient of the last forward's mean loss. */
  backward(): void {
    this.run(Job.Backward, () => backwardShare(this.cx, 0));
  }

  /** One Adam step of the parameters with this team's moments. */
  adam(k: AdamStep): void {
    if (this.pool) {
      const args = this.pool.cb.args;
      ADAM_ARGS.forEach((name, i) => (args[i] = k[name]));
    }
    this.run(Job.Adam, () => adamShare(this.cx, 0, this.m, this.v, k));
  }

  /** Stops the workers (they leave their wait loop; any still running after 1 s is terminated). */
  close(): Promise<void> {
    this.closing ??= this.stopWorkers();
    return this.closing;
  }

  private async stopWorkers(): Promise<void> {
    this.closed = true;
    const pool = this.pool;
    if (!pool) return;
    const ctl = pool.cb.ctl;
    Atomics.store(ctl, JOB, Job.Quit);
    Atomics.add(ctl, JOB_GEN, 1);
    Atomics.notify(ctl, JOB_GEN);
    // keep the event loop alive until every worker is gone (they are unref'd while the run goes on)
    await Promise.all(pool.workers.map((w) => new Promise<void>((resolve) => {
      if (w.threadId < 0) return resolve(); // already gone
      w.ref();
      const timer = setTimeout(() => void w.terminate().then(() => resolve()), 1000);
      w.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    })));
    for (const port of pool.ports) port.close();
  }
}
