/**
 * `npm run lab`: JupyterLab on this project's notebooks, from the project's .venv. Also what the browser
 * test starts (test/helpers/jupyterlab.ts), so what a user gets is what is tested.
 *
 *  - Root: Jupyter refuses to run as root without --allow-root, and root is the normal user in
 *    containers and on many lab machines; so as root the flag is added and one line says so.
 *  - The "get notified about official Jupyter news?" pop-up (and the update check) is switched off for
 *    this project only: an overrides.json in the venv's JupyterLab settings folder
 *    (.venv/share/jupyter/lab/settings, the "app settings" JupyterLab reads defaults from) sets the
 *    notification plugin's fetchNews to "false" and checkForUpdates to false. A user can still turn
 *    them on in Settings; their own ~/.jupyter is not touched.
 *  - Once the server is up, one line gives the URL to open (with its token), read from the server's
 *    own runtime file (jpserver-<pid>.json), whatever the log level or port.
 *
 * Arguments after the script go to `jupyter lab` unchanged; without a root folder of their own the
 * server serves notebooks/. The exit status is the server's, or 128 + n after signal n.
 *
 * Stopping leaves nothing running. `npm run lab` runs this through `sh -c`, which passes no signal on, and
 * a terminal's Ctrl-C reaches only the foreground group; so the server runs in a process group of its own
 * and this launcher ends it on SIGINT, SIGTERM or SIGHUP: SIGTERM to the group (Jupyter's clean shutdown,
 * which stops its kernels; its SIGINT would ask "Shutdown this Jupyter server (y/[n])?" instead), SIGKILL
 * if it is not gone within STOP_GRACE_MS or on a second signal, and SIGKILL to any kernel it left behind
 * (kernels run in sessions of their own, out of the group's reach: see process-tree.ts).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../src/io/paths';
import { descendants, isRunning } from './process-tree';

/** The signals that end the launcher and so must end the server and its kernels. */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** How long the server gets to stop its kernels and exit after SIGTERM before it is killed. */
export const STOP_GRACE_MS = 10_000;

/** The notification plugin's settings that keep the news pop-up and the update check off. */
export const QUIET_NOTIFICATIONS = {
  '@jupyterlab/apputils-extension:notification': { fetchNews: 'false', checkForUpdates: false },
} as const;

export interface LabPlan {
  command: string;
  args: string[];
  /** lines to print before starting (e.g. why --allow-root was added) */
  notes: string[];
}

/** The jupyter-lab command line for these arguments and this user id (undefined: not a POSIX system). */
export function labPlan(root: string, uid: number | undefined, extra: string[]): LabPlan {
  const args = ['--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate'];
  const notes: string[] = [];
  const hasRoot = extra.some((a) => /^--(notebook-dir|ServerApp\.root_dir)(=|$)/.test(a));
  if (!hasRoot) args.push(`--ServerApp.root_dir=${join(root, 'notebooks')}`);
  if (uid === 0 && !extra.includes('--allow-root')) {
    args.push('--allow-root');
    notes.push('lab: running as root (uid 0), so JupyterLab is started with --allow-root');
  }
  return { command: join(root, '.venv', 'bin', 'jupyter-lab'), args: [...args, ...extra], notes };
}

/**
 * Merges QUIET_NOTIFICATIONS into the venv's overrides.json (other overrides are kept) and returns its
 * path; writes only when something changes, so a read-only venv that is already set up is fine.
 */
export function ensureLabOverrides(venv: string): string {
  const dir = join(venv, 'share', 'jupyter', 'lab', 'settings');
  const file = join(dir, 'overrides.json');
  let current: Record<string, Record<string, unknown>> = {};
  if (existsSync(file)) {
    try {
      current = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      current = {}; // a broken overrides file would keep Lab from reading any: replace it
    }
  }
  const merged = { ...current };
  for (const [plugin, settings] of Object.entries(QUIET_NOTIFICATIONS)) merged[plugin] = { ...current[plugin], ...settings };
  const text = JSON.stringify(merged, null, 2) + '\n';
  if (!existsSync(file) || readFileSync(file, 'utf8') !== text) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, text);
  }
  return file;
}

/** The folder where the server will write jpserver-<pid>.json (honours JUPYTER_RUNTIME_DIR). */
function runtimeDir(root: string): string {
  if (process.env.JUPYTER_RUNTIME_DIR) return process.env.JUPYTER_RUNTIME_DIR;
  const r = spawnSync(join(root, '.venv', 'bin', 'jupyter'), ['--runtime-dir'], { encoding: 'utf8' });
  return r.stdout.trim();
}

/** The URL to open, from the server's runtime file: `<url>lab?token=<token>`. */
export function labUrl(info: { url: string; token?: string }): string {
  const base = info.url.endsWith('/') ? info.url : `${info.url}/`;
  return `${base}lab${info.token ? `?token=${info.token}` : ''}`;
}

function main(): void {
  const root = projectRoot();
  const plan = labPlan(root, process.getuid?.(), process.argv.slice(2));
  if (!existsSync(plan.command)) {
    process.stderr.write(`lab: JupyterLab is not installed at ${plan.command}: run 'npm run bootstrap'\n`);
    process.exit(2);
  }
  ensureLabOverrides(join(root, '.venv'));
  for (const note of plan.notes) process.stdout.write(`${note}\n`);
  const runtime = runtimeDir(root);
  // detached: a process group (and session) of its own, so one signal reaches the server and whatever it
  // runs in its group, and a terminal's Ctrl-C reaches it only through stopOn below
  const child = spawn(plan.command, plan.args, { stdio: ['inherit', 'inherit', 'inherit'], detached: true });
  const stop = stopOn(child.pid!);
  const info = join(runtime, `jpserver-${child.pid}.json`);
  const poll = setInterval(() => {
    if (!existsSync(info)) return;
    try {
      const url = labUrl(JSON.parse(readFileSync(info, 'utf8')));
      clearInterval(poll);
      process.stdout.write(`lab: JupyterLab is running; open ${url}\n`);
    } catch {
      // written but not complete yet: next tick
    }
  }, 200);
  child.on('exit', (code, signal) => {
    clearInterval(poll);
    stop.sweep();
    if (stop.received) process.exit(128 + constants.signals[stop.received]);
    process.exit(code ?? (signal === 'SIGINT' ? 130 : 1));
  });
}

/** Sends a signal to a process group, which may be gone already. */
function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // no such group: the server has exited
  }
}

/**
 * Ends the server's group on STOP_SIGNALS (see the header). The kernels are noted when the signal
 * arrives, while the server is still their parent; sweep() kills those still running once it has exited.
 */
function stopOn(pgid: number): { readonly received: NodeJS.Signals | undefined; sweep(): void } {
  let received: NodeJS.Signals | undefined;
  let kernels: number[] = [];
  for (const signal of STOP_SIGNALS) {
    process.on(signal, () => {
      if (received) return signalGroup(pgid, 'SIGKILL'); // asked twice: no more waiting
      received = signal;
      kernels = descendants(pgid);
      signalGroup(pgid, 'SIGTERM');
      setTimeout(() => signalGroup(pgid, 'SIGKILL'), STOP_GRACE_MS).unref();
    });
  }
  return {
    get received() {
      return received;
    },
    sweep() {
      signalGroup(pgid, 'SIGKILL'); // anything of the group that outlived the server
      for (const pid of [...kernels, ...descendants(pgid)].filter(isRunning)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone meanwhile
        }
      }
    },
  };
}

if (require.main === module) main();
