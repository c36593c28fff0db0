/**
 * Runs a workflow_dispatch GitHub Actions workflow on this machine, as far as a test needs: the jobs in
 * `needs` order, a matrix job once per value, every `run:` step with bash and the step's `env:` (its
 * `${{ }}` expressions evaluated), GITHUB_OUTPUT, job outputs, and upload-/download-artifact as folder
 * copies. The checkout is the built project itself (its bin/, dist/, node_modules/ and data/ linked into
 * a fresh workspace per job), so the set-up steps that build it are skipped — only the ones listed in
 * SET_UP_COMMANDS. Anything else this runner does not know (another action, an expression outside the small
 * subset below) is an error, so that a changed workflow fails the test instead of being half-run.
 * `if:` conditions are not evaluated: every step runs, and the first one that fails stops the run.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}

export interface Job {
  needs?: string | string[];
  if?: string;
  outputs?: Record<string, string>;
  strategy?: { matrix?: Record<string, unknown> };
  steps: Step[];
}

export interface Workflow {
  on: { workflow_dispatch?: { inputs?: Record<string, { default?: string; required?: boolean }> } };
  jobs: Record<string, Job>;
}

export function loadWorkflow(file: string): Workflow {
  return parse(readFileSync(file, 'utf8')) as Workflow;
}

interface Context {
  inputs: Record<string, string>;
  matrix: Record<string, unknown>;
  needs: Record<string, { outputs: Record<string, string> }>;
  steps: Record<string, { outputs: Record<string, string> }>;
}

/** The expressions this runner understands: context property paths, fromJSON(...) and always(). */
export function evaluate(expr: string, cx: Context): unknown {
  const e = expr.trim();
  if (e === 'always()') return true;
  const call = /^fromJSON\((.*)\)$/.exec(e);
  if (call) return JSON.parse(String(evaluate(call[1], cx)));
  const path = /^(inputs|matrix|needs|steps)((?:\.[A-Za-z_][\w-]*)+)$/.exec(e);
  if (!path) throw new Error(`expression not supported by the local runner: \${{ ${e} }}`);
  let value: unknown = cx[path[1] as keyof Context];
  for (const key of path[2].slice(1).split('.')) {
    if (value === null || typeof value !== 'object' || !(key in value)) throw new Error(`\${{ ${e} }}: no ${key} there`);
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** A string with its `${{ }}` expressions replaced by their values. */
export function interpolate(text: string, cx: Context): string {
  return text.replace(/\$\{\{(.*?)\}\}/g, (_, e: string) => {
    const v = evaluate(e, cx);
    return typeof v === 'string' ? v : JSON.stringify(v);
  });
}

/** `run:` steps that build the checkout on a runner; here the checkout is the project, already built by bootstrap. */
export const SET_UP_COMMANDS = ['npm ci', 'npm run build'];

export interface RunOptions {
  /** the project whose build the jobs run */
  project: string;
  /** a fresh folder for the jobs' workspaces and the artifacts */
  dir: string;
  inputs: Record<string, string>;
}

export interface StepLog {
  job: string;
  step: string;
  /** the command run and its environment from `env:` (evaluated), for `run:` steps */
  run?: string;
  env?: Record<string, string>;
  stdout?: string;
  stderr?: string;
}

export interface RunResult {
  /** artifact name → its folder */
  artifacts: Map<string, string>;
  log: StepLog[];
}

function dependencies(job: Job): string[] {
  return job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs];
}

/** Runs every job of the workflow; throws at the first failing step with its output. */
export function runWorkflow(workflow: Workflow, o: RunOptions): RunResult {
  const declared = workflow.on.workflow_dispatch?.inputs ?? {};
  const inputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(declared)) {
    const value = o.inputs[name] ?? spec.default;
    if (value === undefined && spec.required) throw new Error(`input ${name} is required`);
    inputs[name] = value ?? '';
  }
  for (const name of Object.keys(o.inputs)) if (!(name in declared)) throw new Error(`the workflow has no input ${name}`);

  const artifactsDir = join(o.dir, 'artifact-store');
  const artifacts = new Map<string, string>();
  const log: StepLog[] = [];
  const done: Record<string, { outputs: Record<string, string> }> = {};
  const pending = Object.keys(workflow.jobs);
  let workspaces = 0;
  while (pending.length) {
    const name = pending.find((j) => dependencies(workflow.jobs[j]).every((d) => d in done));
    if (!name) throw new Error(`jobs ${pending.join(', ')} wait for each other`);
    pending.splice(pending.indexOf(name), 1);
    const job = workflow.jobs[name];
    const base: Context = { inputs, matrix: {}, needs: done, steps: {} };
    const matrix = job.strategy?.matrix ?? {};
    const keys = Object.keys(matrix);
    if (keys.length > 1) throw new Error(`job ${name}: the local runner expands a matrix of one key`);
    const raw = keys.length ? matrix[keys[0]] : undefined;
    const values: unknown[] = keys.length ? (typeof raw === 'string' ? (evaluate(raw.replace(/^\$\{\{|\}\}$/g, ''), base) as unknown[]) : (raw as unknown[])) : [undefined];
    let outputs: Record<string, string> = {};
    for (const value of values) {
      const cx: Context = { ...base, matrix: keys.length ? { [keys[0]]: value } : {}, steps: {} };
      const ws = join(o.dir, `workspace-${++workspaces}`);
      mkdirSync(ws, { recursive: true });
      for (const step of job.steps) {
        const label = step.name !== undefined ? interpolate(step.name, cx) : step.uses ?? step.run ?? '?';
        if (step.uses) {
          runAction(step, cx, { ws, project: o.project, artifactsDir, artifacts });
          log.push({ job: name, step: label });
          continue;
        }
        const run = interpolate(step.run ?? '', cx);
        if (SET_UP_COMMANDS.includes(run.trim())) continue;
        const env = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, interpolate(String(v), cx)]));
        const outFile = join(ws, `.github-output-${log.length}`);
        writeFileSync(outFile, '');
        const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', run], {
          cwd: ws, encoding: 'utf8', env: { ...process.env, ...env, GITHUB_OUTPUT: outFile, CI: 'true' },
        });
        log.push({ job: name, step: label, run, env, stdout: r.stdout, stderr: r.stderr });
        if (r.status !== 0) throw new Error(`job ${name}, step '${label}' exited ${r.status}:\n${r.stderr}`);
        if (step.id) cx.steps[step.id] = { outputs: parseOutputs(readFileSync(outFile, 'utf8')) };
      }
      outputs = Object.fromEntries(Object.entries(job.outputs ?? {}).map(([k, v]) => [k, interpolate(v, cx)]));
    }
    done[name] = { outputs };
  }
  return { artifacts, log };
}

function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

interface ActionPlace {
  ws: string;
  project: string;
  artifactsDir: string;
  artifacts: Map<string, string>;
}

function runAction(step: Step, cx: Context, p: ActionPlace): void {
  const action = step.uses!.replace(/@.*$/, '');
  const w = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, interpolate(String(v), cx)]));
  if (action === 'actions/checkout') {
    for (const entry of ['bin', 'dist', 'node_modules', 'data', 'package.json']) symlinkSync(join(p.project, entry), join(p.ws, entry));
  } else if (action === 'actions/setup-node') {
    // the node running the tests is the one on PATH
  } else if (action === 'actions/upload-artifact') {
    // one folder: the artifact holds its contents
    const from = join(p.ws, w.path);
    const to = join(p.artifactsDir, w.name);
    if (p.artifacts.has(w.name)) throw new Error(`artifact ${w.name} uploaded twice`);
    if (existsSync(from)) cpSync(from, to, { recursive: true });
    else if (w['if-no-files-found'] !== 'warn' && w['if-no-files-found'] !== 'ignore') throw new Error(`upload-artifact: ${w.path} does not exist`);
    else mkdirSync(to, { recursive: true });
    p.artifacts.set(w.name, to);
  } else if (action === 'actions/download-artifact') {
    // with a pattern and no merge-multiple: each artifact into <path>/<name>/
    const pattern = new RegExp(`^${(w.pattern ?? '*').split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    const names = [...p.artifacts.keys()].filter((n) => pattern.test(n));
    if (!names.length) throw new Error(`download-artifact: no artifact matches ${w.pattern}`);
    for (const n of names) cpSync(p.artifacts.get(n)!, join(p.ws, w.path ?? '.', n), { recursive: true });
  } else {
    throw new Error(`action ${step.uses} is not known to the local runner`);
  }
}
