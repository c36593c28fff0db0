/**
 * A one-node Slurm cluster for tests: munged, slurmctld and slurmd on 127.0.0.1, started from a key and a
 * slurm.conf generated in a folder of the caller's, with every socket, state file, log and pid file inside
 * it, so that nothing of the machine's own Slurm or munge set-up (if any) is used or touched. Needs root
 * (slurmd starts the jobs) and Debian's slurmctld, slurmd, slurm-client and munge (scripts/bootstrap.sh installs them).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { cpus, hostname } from 'node:os';
import { join } from 'node:path';

const DAEMONS = ['munged', 'slurmctld', 'slurmd'];
const CLIENTS = ['sbatch', 'scontrol', 'scancel', 'sinfo', 'squeue'];

const onPath = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0 || existsSync(`/usr/sbin/${cmd}`);

/** Why a cluster cannot be started here (no root, programs missing), or undefined when it can be tried. */
export function slurmUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (slurmd starts jobs as their user); CI runs as root';
  const missing = [...DAEMONS, ...CLIENTS].filter((c) => !onPath(c));
  if (missing.length) return `${missing.join(', ')} not installed (scripts/bootstrap.sh installs slurmctld, slurmd, slurm-client and munge when run as root with apt-get)`;
  return undefined;
}

/** Terminal states of a Slurm job (scontrol's JobState). */
const FINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'NODE_FAIL', 'OUT_OF_MEMORY', 'PREEMPTED', 'BOOT_FAIL', 'DEADLINE']);

export interface SlurmCluster {
  /** the environment for Slurm's commands and for jobs (SLURM_CONF pointing at the generated config) */
  env: NodeJS.ProcessEnv;
  /** the daemons' log files, for a failed test's message */
  logs(): string;
  /** the JobState of every task of a job (one for a plain job, one per array task), while Slurm remembers it */
  jobStates(id: string): string[];
  /** waits until every task of the job has reached a final state; returns their states */
  waitForJob(id: string, timeoutMs: number): Promise<string[]>;
  /** cancels what is left and stops the three daemons (by their pid files); safe to call twice */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function pidOf(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 1 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function stopPid(pid: number | undefined): Promise<void> {
  if (pid === undefined || !alive(pid)) return;
  process.kill(pid, 'SIGTERM');
  for (let k = 0; k < 50 && alive(pid); k++) await sleep(100);
  if (alive(pid)) process.kill(pid, 'SIGKILL');
}

/**
 * Starts munged, slurmctld and slurmd with everything under `dir`, and waits until the node is idle.
 * Throws (after stopping whatever did start) with the daemons' logs when the cluster does not come up.
 */
export async function startSlurmCluster(dir: string): Promise<SlurmCluster> {
  const at = (...p: string[]) => join(dir, ...p);
  for (const d of ['munge', 'state', 'spool', 'log']) mkdirSync(at(d), { recursive: true });
  chmodSync(at('munge'), 0o755); // clients must reach the socket inside
  writeFileSync(at('munge', 'munge.key'), randomBytes(1024), { mode: 0o600 });
  const socket = at('munge', 'munge.socket');
  const node = hostname().split('.')[0];
  const [ctldPort, slurmdPort] = [await freePort(), await freePort()];
  const conf = [
    'ClusterName=lstmopt-test',
    `SlurmctldHost=${node}(127.0.0.1)`,
    `SlurmctldPort=${ctldPort}`,
    `SlurmdPort=${slurmdPort}`,
    'AuthType=auth/munge',
    'CredType=cred/munge',
    `AuthInfo=socket=${socket}`,
    'SlurmUser=root',
    'SlurmdUser=root',
    `StateSaveLocation=${at('state')}`,
    `SlurmdSpoolDir=${at('spool')}`,
    `SlurmctldPidFile=${at('slurmctld.pid')}`,
    `SlurmdPidFile=${at('slurmd.pid')}`,
    `SlurmctldLogFile=${at('log', 'slurmctld.log')}`,
    `SlurmdLogFile=${at('log', 'slurmd.log')}`,
    // a container has no usable cgroups: track processes by parent pid, bind no CPUs, gather no accounting
    'ProctrackType=proctrack/linuxproc',
    'TaskPlugin=task/none',
    'JobAcctGatherType=jobacct_gather/none',
    'AccountingStorageType=accounting_storage/none',
    'JobCompType=jobcomp/none',
    'SwitchType=switch/none',
    'MpiDefault=none',
    'MailProg=/bin/true',
    // one CPU per task, so that the array runs as many shards at once as the node has CPUs
    'SelectType=select/cons_tres',
    'SelectTypeParameters=CR_CPU',
    'SchedulerType=sched/builtin',
    'ReturnToService=2',
    `NodeName=${node} NodeAddr=127.0.0.1 CPUs=${Math.min(2, cpus().length)} State=UNKNOWN`,
    'PartitionName=main Nodes=ALL Default=YES MaxTime=INFINITE State=UP',
  ].join('\n') + '\n';
  writeFileSync(at('slurm.conf'), conf);
  const env: NodeJS.ProcessEnv = { ...process.env, SLURM_CONF: at('slurm.conf') };
  const logs = (): string =>
    ['munge/munged.log', 'log/slurmctld.log', 'log/slurmd.log']
      .map((f) => `--- ${f}\n${existsSync(at(f)) ? readFileSync(at(f), 'utf8').split('\n').slice(-15).join('\n') : '(none)'}`)
      .join('\n');
  let stopped = false;
  const cluster: SlurmCluster = {
    env,
    logs,
    jobStates(id) {
      const r = spawnSync('scontrol', ['show', 'job', '-o', id], { env, encoding: 'utf8' });
      return [...r.stdout.matchAll(/\bJobState=(\S+)/g)].map((m) => m[1]);
    },
    async waitForJob(id, timeoutMs) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const states = cluster.jobStates(id);
        if (states.length && states.every((s) => FINAL.has(s))) return states;
        if (Date.now() > until) throw new Error(`job ${id} not finished after ${timeoutMs / 1000} s: ${states.join(' ')}\n${logs()}`);
        await sleep(250);
      }
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      // jobs first (their processes belong to slurmstepd, not to the daemons), then the daemons
      spawnSync('scancel', ['--user', 'root'], { env, timeout: 10_000 });
      for (let k = 0; k < 40; k++) {
        const left = spawnSync('squeue', ['-h', '-o', '%i'], { env, encoding: 'utf8', timeout: 5_000 });
        if (left.status !== 0 || left.stdout.trim() === '') break;
        await sleep(250);
      }
      for (const pidFile of ['slurmd.pid', 'slurmctld.pid', 'munge/munged.pid']) await stopPid(pidOf(at(pidFile)));
    },
  };
  // a test runner that dies (a timeout, ^C) must not leave the daemons behind
  const lastResort = (): void => {
    for (const pidFile of ['slurmd.pid', 'slurmctld.pid', 'munge/munged.pid']) {
      const pid = pidOf(at(pidFile));
      if (pid !== undefined && alive(pid)) process.kill(pid, 'SIGKILL');
    }
  };
  process.once('exit', lastResort);
  const stopGently = cluster.stop;
  cluster.stop = async () => {
    await stopGently();
    process.removeListener('exit', lastResort);
  };
  const start = (cmd: string, args: string[]): void => {
    const r = spawnSync(cmd, args, { env, encoding: 'utf8', timeout: 30_000 });
    if (r.status !== 0) throw new Error(`${cmd} did not start (exit ${r.status}): ${r.stderr}`);
  };
  try {
    start('munged', ['--force', `--socket=${socket}`, `--key-file=${at('munge', 'munge.key')}`, `--log-file=${at('munge', 'munged.log')}`, `--pid-file=${at('munge', 'munged.pid')}`, `--seed-file=${at('munge', 'munged.seed')}`]);
    start('slurmctld', []);
    start('slurmd', ['-N', node]);
    for (let k = 0; ; k++) {
      const r = spawnSync('sinfo', ['-h', '-N', '-o', '%T'], { env, encoding: 'utf8', timeout: 5_000 });
      if (r.status === 0 && r.stdout.trim() === 'idle') break;
      if (k >= 120) throw new Error(`the node did not become idle in 30 s (sinfo: ${r.stdout.trim() || r.stderr.trim()})`);
      await sleep(250);
    }
  } catch (err) {
    const why = `${(err as Error).message}\n${logs()}`;
    await cluster.stop();
    throw new Error(why);
  }
  return cluster;
}
