/**
 * `npm run lab` (scripts/lab.ts): as root it adds --allow-root and says so in one line, as any other
 * user it does not; the news pop-up is off through the project's settings; it prints the URL to open.
 * The uid decision is a pure function tested for both branches; the launch runs for real as root and as
 * the unprivileged user `nobody` (setpriv, lending it only the right to read files: see the helper),
 * through the same start-up helper the browser test uses. Stopping it, directly or through `npm run lab`,
 * leaves no server or kernel of that run behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureLabOverrides, labPlan, labUrl, QUIET_NOTIFICATIONS } from '../scripts/lab';
import { jupyterLabBinary, LabServer, processesMentioning, startJupyterLab } from './helpers/jupyterlab';
import { isRunning } from '../scripts/process-tree';

test('labPlan: --allow-root and one line for uid 0 only; notebooks/ unless a root folder is given', () => {
  const asRoot = labPlan('/repo', 0, ['--no-browser']);
  assert.ok(asRoot.args.includes('--allow-root'));
  assert.equal(asRoot.notes.length, 1);
  assert.match(asRoot.notes[0], /root.*--allow-root/);
  assert.ok(asRoot.args.includes('--ServerApp.root_dir=/repo/notebooks'));
  assert.equal(asRoot.command, '/repo/.venv/bin/jupyter-lab');
  for (const uid of [1000, 65534, undefined]) {
    const plan = labPlan('/repo', uid, ['--no-browser']);
    assert.ok(!plan.args.includes('--allow-root'), `uid ${uid}`);
    assert.deepEqual(plan.notes, []);
  }
  assert.ok(!labPlan('/repo', 0, ['--ServerApp.root_dir=/elsewhere']).args.some((a) => a.includes('/repo/notebooks')));
  assert.equal(labPlan('/repo', 0, ['--allow-root']).args.filter((a) => a === '--allow-root').length, 1);
  assert.equal(labUrl({ url: 'http://127.0.0.1:8888/', token: 'abc' }), 'http://127.0.0.1:8888/lab?token=abc');
  assert.equal(labUrl({ url: 'http://localhost:9/base' }), 'http://localhost:9/base/lab');
});

test('ensureLabOverrides merges the quiet notification settings into the venv overrides, keeping others', () => {
  const venv = mkdtempSync(join(tmpdir(), 'lstm-opt-venv-'));
  const dir = join(venv, 'share', 'jupyter', 'lab', 'settings');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'overrides.json'), JSON.stringify({ '@jupyterlab/apputils-extension:themes': { theme: 'JupyterLab Dark' }, '@jupyterlab/apputils-extension:notification': { doNotDisturbMode: true } }));
  const file = ensureLabOverrides(venv);
  const merged = JSON.parse(readFileSync(file, 'utf8'));
  assert.deepEqual(merged['@jupyterlab/apputils-extension:themes'], { theme: 'JupyterLab Dark' });
  assert.deepEqual(merged['@jupyterlab/apputils-extension:notification'], { doNotDisturbMode: true, ...QUIET_NOTIFICATIONS['@jupyterlab/apputils-extension:notification'] });
  const again = readFileSync(file, 'utf8');
  ensureLabOverrides(venv);
  assert.equal(readFileSync(file, 'utf8'), again);
});

/** The notification plugin's settings as the running Lab serves them (defaults with overrides applied). */
async function notificationSettings(lab: LabServer): Promise<{ fetchNews: unknown; checkForUpdates: unknown }> {
  const res = await fetch(`${lab.url}/lab/api/settings/@jupyterlab/apputils-extension:notification?token=${lab.token}`);
  assert.equal(res.status, 200);
  const body = (await res.json()) as { schema: { properties: Record<string, { default?: unknown }> } };
  return { fetchNews: body.schema.properties.fetchNews?.default, checkForUpdates: body.schema.properties.checkForUpdates?.default };
}

async function checkLaunch(lab: LabServer, asRoot: boolean): Promise<void> {
  // the launcher prints the URL once the server is up; give its 200 ms poll a moment
  for (let i = 0; i < 50 && !/lab: JupyterLab is running; open /.test(lab.log()); i++) await new Promise((r) => setTimeout(r, 100));
  const log = lab.log();
  const url = /lab: JupyterLab is running; open (\S+)/.exec(log);
  assert.ok(url, `no URL line in:\n${log}`);
  assert.equal(url[1], `http://127.0.0.1:${lab.port}/lab?token=${lab.token}`);
  assert.equal((await fetch(url[1])).status, 200);
  assert.equal(/running as root .* --allow-root/.test(log), asRoot, log);
  assert.deepEqual(await notificationSettings(lab), { fetchNews: 'false', checkForUpdates: false });
}

const root = process.getuid?.() === 0;
const noLab = !existsSync(jupyterLabBinary()) && 'JupyterLab is not installed (npm run bootstrap)';
const NOBODY = { uid: 65534, gid: 65534 };
const nobodySkip = noLab || (!root && 'needs root to switch user');

test('npm run lab as root: --allow-root, one line saying so, the URL, no news pop-up', { skip: noLab || (!root && 'needs root'), timeout: 180_000 }, async () => {
  const lab = await startJupyterLab();
  try {
    await checkLaunch(lab, true);
  } finally {
    await lab.stop();
  }
});

test('npm run lab as an ordinary user (nobody): no --allow-root, the URL, no news pop-up', { skip: nobodySkip, timeout: 180_000 }, async () => {
  const lab = await startJupyterLab({ user: NOBODY });
  try {
    await checkLaunch(lab, false);
  } finally {
    await lab.stop();
  }
});

/** Starts a kernel through the server's REST API and waits until its process runs; returns its id. */
async function startKernel(lab: LabServer): Promise<string> {
  const res = await fetch(`${lab.url}/api/kernels?token=${lab.token}`, { method: 'POST', body: JSON.stringify({ name: 'tslab' }) });
  assert.equal(res.status, 201, await res.clone().text());
  const { id } = (await res.json()) as { id: string };
  for (let i = 0; i < 100 && processesMentioning(`kernel-${id}.json`).length === 0; i++) await new Promise((r) => setTimeout(r, 200));
  assert.ok(processesMentioning(`kernel-${id}.json`).length > 0, `kernel ${id} never started:\n${lab.log()}`);
  return id;
}

/**
 * SIGTERM to the first process of the run only (npm's, or the launcher's), as `kill` or a container stop
 * sends it: nothing in between passes it on except the launcher itself, so it must end the server and the
 * kernel. Every process of the run names its temp folder on its command line.
 */
async function checkStop(viaNpm: boolean): Promise<void> {
  const lab = await startJupyterLab({ viaNpm });
  try {
    const kernel = await startKernel(lab);
    const run = processesMentioning(lab.tempDir);
    assert.ok(run.length >= 3, `expected launcher, server and kernel, found ${run.length}`); // (npm and sh too, via npm)
    const exited = new Promise<number | null>((resolve) => lab.process.once('exit', (code) => resolve(code)));
    process.kill(lab.process.pid!, 'SIGTERM');
    const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 30_000))]);
    assert.notEqual(code, 'hung', `the run did not end within 30 s of SIGTERM:\n${lab.log()}`);
    if (!viaNpm) assert.equal(code, 128 + 15, lab.log()); // npm reports a signalled script its own way
    // the launcher sweeps before it exits; a moment for the kernel's exit to be reaped
    for (let i = 0; i < 25 && run.some(isRunning); i++) await new Promise((r) => setTimeout(r, 200));
    const left = run.filter(isRunning).map((pid) => `${pid}: ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').slice(0, 160)}`);
    assert.deepEqual(left, [], `still running after SIGTERM (kernel ${kernel})`);
  } finally {
    await lab.stop();
  }
}

const noProc = !existsSync('/proc') && 'needs /proc to find the processes of the run';

test('SIGTERM to the launcher ends the server and its kernels; exit 143', { skip: noLab || noProc, timeout: 180_000 }, () => checkStop(false));

test('SIGTERM to `npm run lab` ends the launcher, the server and its kernels', { skip: noLab || noProc, timeout: 180_000 }, () => checkStop(true));
