/**
 * A long-lived PyTorch peer (bench/peers/pytorch_lstm.py --serve), so that bench/lstm.ts can run PyTorch
 * blocks between its own variants' blocks, round by round, instead of in a separate run minutes later.
 * One request at a time: the caller waits for each block (the two processes never compute together).
 */
import { spawn, ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { PYTORCH_SKIP_EXIT } from './run';

export interface PytorchBlock {
  forward_ms: number[];
  backward_ms: number[];
  adam_ms: number[];
  /** process CPU time of the whole block (all its iterations), ms */
  cpu_ms: number;
  wall_ms: number;
  version: string;
  threads: number;
  vocab: number;
  /** 'onednn' (fused f32 RNN) or 'aten' (the per-step loop, f64) */
  lstm_kernel: string;
}

interface Reply extends Partial<PytorchBlock> {
  error?: string;
  hello?: boolean;
}

export class PytorchServer {
  private readonly waiting: Array<(r: Reply) => void> = [];
  private stderrTail = '';
  private exited: number | null | undefined;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const resolve = this.waiting.shift();
      if (!resolve) return;
      try {
        resolve(JSON.parse(line) as Reply);
      } catch {
        resolve({ error: `not JSON: ${line.slice(0, 80)}` });
      }
    });
    // torch's profiler (used once per model to see which LSTM kernel runs) logs "USDT:" trace lines: not ours to show
    createInterface({ input: child.stderr }).on('line', (line) => {
      if (line.startsWith('USDT:')) return;
      this.stderrTail = (this.stderrTail + line + '\n').slice(-2000);
      process.stderr.write(line + '\n');
    });
    child.on('close', (code) => {
      this.exited = code;
      for (const resolve of this.waiting.splice(0)) resolve({ error: `PyTorch peer exited (status ${code}): ${this.lastLog()}` });
    });
  }

  private lastLog(): string {
    return (this.stderrTail.trim().split('\n').pop() ?? '').replace(/^\[pytorch-peer\]\s*/, '');
  }

  private ask(request: object): Promise<Reply> {
    if (this.exited !== undefined) return Promise.resolve({ error: `PyTorch peer has exited: ${this.lastLog()}` });
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.child.stdin.write(JSON.stringify(request) + '\n');
    });
  }

  /**
   * Starts the peer and waits until torch is imported. Resolves to the server, or to the reason it
   * cannot run here (no venv, torch not installed, crash).
   */
  static async start(root: string, vocab: number): Promise<PytorchServer | { skipped: string }> {
    const python = join(root, '.venv/bin/python');
    const script = join(root, 'bench/peers/pytorch_lstm.py');
    if (!existsSync(python)) return { skipped: `${python} is missing (run bash scripts/bootstrap.sh --peers)` };
    const child = spawn(python, [script, '--serve', '--vocab', String(vocab)], { stdio: ['pipe', 'pipe', 'pipe'] });
    const server = new PytorchServer(child);
    const hello = await server.ask({ hello: true });
    if (hello.error) {
      server.close();
      return { skipped: server.exited === PYTORCH_SKIP_EXIT ? server.lastLog() : hello.error };
    }
    return server;
  }

  /** Runs `steps` timed iterations of one model (built and warmed up `warmup` iterations on first use). */
  async block(layers: number, neurons: number, precision: 'f64' | 'f32', steps: number, warmup: number): Promise<PytorchBlock> {
    const r = await this.ask({ layers, neurons, precision, steps, warmup });
    if (r.error) throw new Error(r.error);
    return r as PytorchBlock;
  }

  close(): void {
    if (this.exited === undefined) this.child.stdin.end();
  }
}
