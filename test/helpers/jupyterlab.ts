import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unknownMachineEnv } from './machine';
import { projectRoot } from '../../src/io/paths';

/**
 * JupyterLab server lifecycle for the browser test.
 *
 * The server is started the way `npm run lab` starts it: through the project's launcher
 * (scripts/lab.ts, compiled to dist/scripts/lab.js), which adds --allow-root for root, switches the
 * news pop-up off and prints the URL; so a change there cannot break the user's start unseen.
 * It runs from the project's .venv on 127.0.0.1 with a random free port and a random token, in
 * its own process group, with its own config/data/runtime/settings folders in a temp dir (so nothing in
 * the user's ~/.jupyter matters). Its root is a temporary "workspace": a folder with a symlink to every
 * top-level entry of the repository except notebooks/, and a real notebooks/ folder that receives COPIES.
 * Notebooks keep their relative imports (`../dist/src/index`, `danfojs-node` via ../node_modules) and
 * read the real results, while Lab's autosave after "Run All" only ever touches the copies.
 */

export interface LabServer {
  url: string;
  port: number;
  token: string;
  /** the folder JupyterLab serves; notebooks/ inside it holds the copies under test */
  root: string;
  /** the temp folder holding root and the server's config/data/runtime dirs (removed by stop) */
  tempDir: string;
  process: ChildProcess;
  /** stdout+stderr of the server so far (for failure messages) */
  log(): string;
  /** Puts a notebook (as JSON) into the served notebooks/ folder; returns its path relative to the root. */
  addNotebook(name: string, notebook: unknown): string;
  /** Reads a notebook back from the served notebooks/ folder (what Lab saved). */
  readNotebook(relPath: string): unknown;
  /** Shuts down kernels and the server, kills leftovers, removes the temp folders. Idempotent. */
  stop(): Promise<void>;
}

export class LabStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabStartError';
  }
}

export function jupyterLabBinary(): string {
  return join(projectRoot(), '.venv', 'bin', 'jupyter-lab');
}

/** The launcher `npm run lab` runs. */
export function labLauncher(): string {
  return join(projectRoot(), 'dist', 'scripts', 'lab.js');
}

/** A port nobody listens on right now (the OS picks it); a race with another process is possible but rare. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function buildWorkspace(base: string): string {
  const root = join(base, 'workspace');
  mkdirSync(join(root, 'notebooks'), { recursive: true });
  const repo = projectRoot();
  for (const entry of readdirSync(repo)) {
    if (entry === 'notebooks' || entry === '.git') continue;
    symlinkSync(join(repo, entry), join(root, entry));
  }
  return root;
}

export interface StartOptions {
  /** a fixed port (default: a free one); the server never retries another port */
  port?: number;
  /** how long to wait for the server to answer (default 90 s: the first start compiles nothing but is slow on a busy box) */
  timeoutMs?: number;
  /** run the launcher as this user (via setpriv; the test process must be root), e.g. nobody; see below */
  user?: { uid: number; gid: number };
  /** start it as a user types it, `npm run lab -- ARGS` (npm's `sh -c` in between), instead of the launcher alone */
  viaNpm?: boolean;
}

export async function startJupyterLab(options: StartOptions = {}): Promise<LabServer> {
  const binary = jupyterLabBinary();
  if (!existsSync(binary)) {
    throw new LabStartError(`JupyterLab is not installed at ${binary}: run 'npm run bootstrap' (npm test does it for you)`);
  }
  const port = options.port ?? (await freePort());
  const token = randomBytes(24).toString('hex');
  const base = mkdtempSync(join(tmpdir(), 'lstm-opt-lab-'));
  const root = buildWorkspace(base);
  const dirs = {
    JUPYTER_CONFIG_DIR: join(base, 'config'),
    JUPYTER_DATA_DIR: join(base, 'data'),
    JUPYTER_RUNTIME_DIR: join(base, 'runtime'),
    JUPYTERLAB_SETTINGS_DIR: join(base, 'lab-settings'),
    JUPYTERLAB_WORKSPACES_DIR: join(base, 'lab-workspaces'),
    IPYTHONDIR: join(base, 'ipython'),
  };
  // empty user settings: the news pop-up must be kept away by the launcher's project settings alone
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  const user = options.user;
  if (user) for (const dir of [base, root, join(root, 'notebooks'), ...Object.values(dirs)]) chownSync(dir, user.uid, user.gid);

  const args = [
    '--no-browser',
    '--ip=127.0.0.1',
    `--port=${port}`,
    '--ServerApp.port_retries=0',
    `--ServerApp.root_dir=${root}`,
    `--IdentityProvider.token=${token}`,
    '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate',
    '--ServerApp.log_level=WARN',
  ];
  // --allow-root (as root) is the launcher's job, as for a user.
  const launcher = options.viaNpm ? ['npm', 'run', '--silent', 'lab', '--', ...args] : [process.execPath, labLauncher(), ...args];
  // Another user keeps one capability, reading and searching any file (CAP_DAC_READ_SEARCH): a venv built
  // from a Python under /root is otherwise unreadable for it. It is not root: Jupyter sees its uid.
  const asUser = user ? ['setpriv', `--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', '--inh-caps=+dac_read_search', '--ambient-caps=+dac_read_search', '--'] : [];
  const command = [...asUser, ...launcher];
  // detached: its own process group, so stop() can signal the launcher, the server and anything it forks at once.
  const child = spawn(command[0], command.slice(1), {
    // npm needs the real project (the workspace's symlinked scripts/ would make the bootstrap set it up again)
    cwd: options.viaNpm ? projectRoot() : root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    // kernels inherit it: they run as a machine with no results of its own, so only the reference study can fill a chart
    env: { ...process.env, ...unknownMachineEnv(), ...dirs, ...(user ? { HOME: base } : {}), JUPYTER_PLATFORM_DIRS: '1', PYTHONUNBUFFERED: '1' },
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exitPromise = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    }),
  );
  child.once('error', (err) => collect(Buffer.from(`\nspawn error: ${err.message}\n`)));

  // Last resort when the test process ends without stop() (an uncaught error, process.exit): kill the
  // server's group and our kernels by pid, synchronously, so nothing outlives us.
  const onExit = () => {
    if (exited === undefined && child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    // the server has a process group of its own (the launcher's), so sweep everything of this run
    for (const pid of processesMentioning(base)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  process.once('exit', onExit);

  const url = `http://127.0.0.1:${port}`;
  let stopped = false;
  const server: LabServer = {
    url,
    port,
    token,
    root,
    tempDir: base,
    process: child,
    log: () => output,
    addNotebook(name, notebook) {
      writeFileSync(join(root, 'notebooks', name), JSON.stringify(notebook, null, 1));
      return `notebooks/${name}`;
    },
    readNotebook(relPath) {
      return JSON.parse(readFileSync(join(root, relPath), 'utf8'));
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      process.removeListener('exit', onExit);
      await shutdown(server, child, exitPromise, () => exited !== undefined, base);
      rmSync(base, { recursive: true, force: true });
    },
  };

  const deadline = Date.now() + (options.timeoutMs ?? 90_000);
  try {
    for (;;) {
      if (exited) {
        const portTaken = /already in use|not available|port .* is in use/i.test(output);
        throw new LabStartError(
          portTaken
            ? `JupyterLab could not start: port ${port} on 127.0.0.1 is already taken (another server?)\n${tail(output)}`
            : `JupyterLab exited during start-up (code ${exited.code}, signal ${exited.signal})\n${tail(output)}`,
        );
      }
      if (Date.now() > deadline) {
        throw new LabStartError(`JupyterLab did not answer on ${url} within ${options.timeoutMs ?? 90_000} ms\n${tail(output)}`);
      }
      if (await answers(`${url}/api/status?token=${token}`)) return server;
      await Promise.race([sleep(250), exitPromise]);
    }
  } catch (err) {
    await server.stop();
    throw err;
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function tail(text: string, lines = 15): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}

/**
 * Kernels are started by jupyter_client in their own session, so signalling the server's process group
 * does not reach them. Order: ask the server to shut down (it stops its kernels), then SIGTERM and
 * SIGKILL to the launcher's group (the launcher passes them on to the server's), then kill by pid any
 * process whose command line names this run's temp folder (a kernel holding a connection file from our
 * private runtime dir that the server could not stop, or the server itself).
 */
async function shutdown(
  server: LabServer,
  child: ChildProcess,
  exitPromise: Promise<void>,
  hasExited: () => boolean,
  runFolder: string,
): Promise<void> {
  const waitExit = (ms: number) => Promise.race([exitPromise, sleep(ms)]);
  if (!hasExited()) {
    try {
      // Kernels first (each DELETE waits for the kernel to go), then the server itself.
      const res = await fetch(`${server.url}/api/kernels?token=${server.token}`, { signal: AbortSignal.timeout(5000) });
      const kernels = (await res.json()) as { id: string }[];
      await Promise.all(
        kernels.map((k) =>
          fetch(`${server.url}/api/kernels/${k.id}?token=${server.token}`, { method: 'DELETE', signal: AbortSignal.timeout(15_000) })
            .then((r) => r.arrayBuffer())
            .catch(() => undefined),
        ),
      );
      await fetch(`${server.url}/api/shutdown?token=${server.token}`, { method: 'POST', signal: AbortSignal.timeout(5000) })
        .then((r) => r.arrayBuffer())
        .catch(() => undefined);
    } catch {
      // the server is not answering: fall through to signals
    }
    await waitExit(10_000);
  }
  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    if (hasExited() || child.pid === undefined) break;
    try {
      process.kill(-child.pid, signal);
    } catch {
      break; // the group is gone
    }
    await waitExit(5000);
  }
  // The group may still hold children after the server itself exited.
  if (child.pid !== undefined) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // no such group: good
    }
  }
  for (const pid of processesMentioning(runFolder)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Pids whose command line mentions `needle` (Linux /proc; empty elsewhere). */
export function processesMentioning(needle: string): number[] {
  if (!existsSync('/proc')) return [];
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.includes(needle)) pids.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}
