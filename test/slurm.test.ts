/**
 * scripts/slurm-sweep.sh on a real (one-node) Slurm cluster: the 4-shard array of `sweep verdict --quick`
 * and its dependent merge job give the files and losses of the unsharded sweep; a shard cancelled with
 * scancel in the middle of a checkpointed run and submitted again resumes from its checkpoint. The
 * cluster (munged, slurmctld, slurmd) lives in a temporary folder and is stopped whatever happens. Skipped,
 * with the reason in the test output, only where Slurm is not installed or cannot start (not root).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { dataPath, projectRoot } from '../src/io/paths';
import { assertSameResults, listResultFiles } from './helpers/same-results';
import { slurmUnavailable, startSlurmCluster, SlurmCluster } from './helpers/slurm-cluster';

const root = projectRoot();
const script = join(root, 'scripts', 'slurm-sweep.sh');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Submitted {
  array: string;
  merge: string;
}

/** Runs scripts/slurm-sweep.sh as a user would and reads the two job ids it prints. */
function submit(cluster: SlurmCluster, args: string[]): Submitted {
  // the tasks run the `node` found on PATH at submission: the one running these tests
  const env = { ...cluster.env, PATH: `${dirname(process.execPath)}:${cluster.env.PATH ?? ''}` };
  const r = spawnSync('bash', [script, ...args], { env, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, `slurm-sweep.sh ${args.join(' ')}: ${r.stderr}`);
  const array = /^array job (\d+):/m.exec(r.stdout)?.[1];
  const merge = /^merge job (\d+):/m.exec(r.stdout)?.[1];
  assert.ok(array && merge, r.stdout);
  return { array, merge };
}

/** Seconds of process CPU and of wall time the sweep's jobs recorded in their JSON files. */
function recorded(dir: string): { cpu: number; wall: number } {
  const units = listResultFiles(dir)
    .filter((f) => /-s\d+-i\d+\.json$/.test(f))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')).unit as { cpu_seconds: number; wall_seconds: number });
  return { cpu: units.reduce((s, u) => s + u.cpu_seconds, 0), wall: units.reduce((s, u) => s + u.wall_seconds, 0) };
}

test('slurm-sweep.sh --dry-run: the job scripts it would submit run the shard and the merge with every flag intact', () => {
  const dir = mkdtempSync(join(tmpdir(), 'slurm-dry-'));
  try {
    // a `node` that prints the arguments it was started with, found on PATH in place of the real one
    const fakeBin = join(dir, 'bin');
    mkdirSync(fakeBin);
    writeFileSync(join(fakeBin, 'node'), `#!${process.execPath}\nprocess.stdout.write(JSON.stringify(process.argv.slice(2)));\n`, { mode: 0o755 });
    const env = { ...process.env, PATH: `${fakeBin}:${process.env.PATH ?? ''}` };
    const work = join(dir, 'my work');
    const r = spawnSync('bash', [script, 'verdict', '4', '--work', work, '--machine', 'cluster-a', '--max-parallel', '2', '--time', '1:00:00', '--dry-run', '--', '--quick', '--variants', 'tanh, isru', '--corpus', '$HOME/*.txt'], { env, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(existsSync(work), false, 'a dry run creates nothing');
    const scripts = [...r.stdout.matchAll(/^(sbatch .*) <<'EOF'\n([\s\S]*?)^EOF$/gm)];
    assert.equal(scripts.length, 2, r.stdout);
    const [shard, merge] = scripts;
    assert.match(shard[1], /--array=1-4%2 /);
    assert.match(shard[1], /--time=1:00:00/);
    assert.match(merge[1], /^sbatch --dependency=afterok:ARRAY_JOB_ID .*--kill-on-invalid-dep=yes/);
    const argv = (text: string, taskEnv: NodeJS.ProcessEnv) => JSON.parse(spawnSync('bash', ['-c', text], { env: { ...env, ...taskEnv }, encoding: 'utf8' }).stdout) as string[];
    assert.deepEqual(argv(shard[2], { SLURM_ARRAY_TASK_ID: '3' }), [
      join(root, 'bin', 'lstm-opt.js'), 'sweep', 'verdict', '--shard', '3/4', '--out', join(work, 'shards', '3', 'verdict', 'cluster-a'),
      '--quick', '--variants', 'tanh, isru', '--corpus', '$HOME/*.txt',
    ]);
    for (const i of ['1', '2']) mkdirSync(join(work, 'shards', i), { recursive: true });
    assert.deepEqual(argv(merge[2], {}), [join(root, 'bin', 'lstm-opt.js'), 'sweep', 'merge', '--from', join(work, 'shards', '1'), join(work, 'shards', '2'), '--out', join(root, 'results')]);
    // bad input is one line and exit code 2, before anything is submitted
    for (const bad of [['verdict', '0'], ['verdict', '4', '--tasks', '1;rm'], ['merge', '2'], ['verdict', '4', '--nodes', '2']]) {
      const b = spawnSync('bash', [script, ...bad, '--dry-run'], { env, encoding: 'utf8' });
      assert.equal(b.status, 2, bad.join(' '));
      assert.match(b.stderr, /^slurm-sweep: .+\n$/, bad.join(' '));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const reason = slurmUnavailable();

test('scripts/slurm-sweep.sh on a one-node Slurm cluster', { skip: reason && `Slurm: ${reason}`, timeout: 420_000 }, async (t) => {
  const base = mkdtempSync(join(tmpdir(), 'slurm-'));
  let cluster: SlurmCluster;
  try {
    cluster = await startSlurmCluster(join(base, 'cluster'));
  } catch (err) {
    rmSync(base, { recursive: true, force: true });
    const message = (err as Error).message;
    t.diagnostic(message);
    t.skip(`Slurm could not be started here: ${message.split('\n')[0]}`);
    return;
  }
  t.after(async () => {
    await cluster.stop();
    rmSync(base, { recursive: true, force: true });
  });

  await t.test('a 4-shard array of sweep verdict --quick and its merge job give the unsharded results', async () => {
    // the same sweep unsharded, on one core (taskset where it exists), as the reference and for the timing
    const reference = join(base, 'reference', 'verdict', 'slurm');
    const sweep = [join(root, 'bin', 'lstm-opt.js'), 'sweep', 'verdict', '--quick', '--quiet'];
    const oneCore = spawnSync('sh', ['-c', 'command -v taskset']).status === 0;
    const t0 = Date.now(), load0 = loadavg()[0];
    const r = oneCore
      ? spawnSync('taskset', ['-c', '0', process.execPath, ...sweep, '--out', reference], { encoding: 'utf8' })
      : spawnSync(process.execPath, [...sweep, '--out', reference], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const unshardedWall = (Date.now() - t0) / 1000;

    const work = join(base, 'verdict'), results = join(base, 'results');
    const t1 = Date.now(), load1 = loadavg()[0];
    const jobs = submit(cluster, ['verdict', '4', '--work', work, '--results', results, '--', '--quick']);
    assert.deepEqual(await cluster.waitForJob(jobs.array, 240_000), ['COMPLETED', 'COMPLETED', 'COMPLETED', 'COMPLETED'], cluster.logs());
    assert.deepEqual(await cluster.waitForJob(jobs.merge, 60_000), ['COMPLETED'], readdirSync(join(work, 'logs')).map((f) => readFileSync(join(work, 'logs', f), 'utf8')).join('\n'));
    const arrayWall = (Date.now() - t1) / 1000;

    // every shard ran its own quarter of the four (size, seed) jobs, and the merge holds them all
    const shardJobs = [1, 2, 3, 4].map((i) => listResultFiles(join(work, 'shards', String(i), 'verdict', 'slurm')).filter((f) => /-s\d+-i\d+\.json$/.test(f)));
    assert.deepEqual(shardJobs.map((j) => j.length), [1, 1, 1, 1]);
    assert.equal(new Set(shardJobs.flat()).size, 4);
    const merged = join(results, 'verdict', 'slurm');
    const rows = assertSameResults(merged, reference);
    assert.ok(rows >= 4 * 6 * 2, `${rows} rows compared`);

    const one = recorded(reference), many = recorded(merged);
    t.diagnostic(
      `4-shard array on the 2-CPU node: ${arrayWall.toFixed(1)} s from sbatch to merged (jobs' CPU ${many.cpu.toFixed(1)} s); ` +
        `unsharded${oneCore ? ' on one core (taskset -c 0)' : ''}: ${unshardedWall.toFixed(1)} s (CPU ${one.cpu.toFixed(1)} s); ` +
        `1-minute load ${load0.toFixed(1)} before the unsharded run, ${load1.toFixed(1)} before the array`,
    );
  });

  await t.test('a shard cancelled in the middle of a run and submitted again resumes from its checkpoint', async () => {
    const flags = ['--quick', '--corpus', dataPath('sotu-sample.txt'), '--iterations', '600', '--variants', 'tanh/scalar,isru/scalar'];
    const work = join(base, 'long'), results = join(base, 'long-results');
    const args = ['verdict-long', '1', '--work', work, '--results', results, '--', ...flags];
    const first = submit(cluster, args);
    const manifest = join(work, 'shards', '1', 'verdict-long', 'slurm', 'checkpoints', 'long-2x48-i600.json');
    for (let k = 0; !existsSync(manifest); k++) {
      assert.ok(cluster.jobStates(first.array).every((s) => s === 'PENDING' || s === 'RUNNING'), `the task ended before its first checkpoint: ${cluster.jobStates(first.array)}`);
      assert.ok(k < 1200, 'no checkpoint after 2 minutes');
      await sleep(100);
    }
    assert.equal(spawnSync('scancel', [first.array], { env: cluster.env }).status, 0);
    assert.deepEqual(await cluster.waitForJob(first.array, 60_000), ['CANCELLED']);
    // the merge job waited for a success that will not come: Slurm drops it (--kill-on-invalid-dep)
    assert.deepEqual(await cluster.waitForJob(first.merge, 60_000), ['CANCELLED']);
    assert.equal(existsSync(join(results, 'verdict-long')), false, 'nothing merged from the cancelled shard');
    const at = JSON.parse(readFileSync(manifest, 'utf8')).iteration as number;
    assert.ok(at >= 100 && at < 600, `checkpoint at ${at}`);

    const again = submit(cluster, [...args.slice(0, 6), '--tasks', '1', ...args.slice(6)]);
    assert.deepEqual(await cluster.waitForJob(again.array, 180_000), ['COMPLETED'], cluster.logs());
    assert.deepEqual(await cluster.waitForJob(again.merge, 60_000), ['COMPLETED']);
    const log = readFileSync(join(work, 'logs', `lstm-opt-verdict-long-${again.array}_1.out`), 'utf8');
    assert.match(log, new RegExp(`resuming 2 runs at iteration ${at} of 600`));

    // and it ends where an uninterrupted run ends
    const reference = join(base, 'long-reference', 'verdict-long', 'slurm');
    const r = spawnSync(process.execPath, [join(root, 'bin', 'lstm-opt.js'), 'sweep', 'verdict-long', ...flags, '--out', reference, '--quiet'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assertSameResults(join(results, 'verdict-long', 'slurm'), reference);
    const summary = JSON.parse(readFileSync(join(results, 'verdict-long', 'slurm', 'long-2x48-i600.json'), 'utf8'));
    assert.equal(summary.segments.length, 2, 'one measured segment per session: before and after the cancel');
  });
});
