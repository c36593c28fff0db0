/**
 * The page: describes the device before anything runs, starts the benchmark worker, shows its progress, live
 * charts (the notebooks' figure builders, src/charts) and download links for the results files, named by the
 * device slug; answers its title in one computed sentence with a warning when the rounds disagree
 * (src/analysis/device-answer.ts); then runs the GPU math-bench (./gpu-bench.ts) where the browser has
 * WebGPU, and says in one line why not where not.
 */
import Plotly from 'plotly.js-dist';
import type { BenchRow } from '../../src/studies/bench/table';
import { benchPoints } from '../../src/studies/bench/analysis';
import { benchTimeFigure } from '../../src/studies/bench/charts';
import { mathBenchBarFigure, mathBenchRatioFigure } from '../../src/studies/math-bench/charts';
import { gpuAccuracyTableRows } from '../../src/studies/math-bench/gpu/accuracy';
import type { Figure } from '../../src/charts/figure';
import { DeviceInfo, describeDevice } from './device';
import { deviceAnswer, noiseWarning, ratioRows, resolvedRows, RoundTimes } from '../../src/analysis/device-answer';
import type { MathBenchRow } from '../../src/studies/math-bench/core';
import { slugProblem } from '../../src/io/slug';
import { GpuBenchOutcome, runGpuBench } from './gpu-bench';
import type { StartMessage, WorkerMessage } from './protocol';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const auto = new URLSearchParams(location.search);

function draw(id: string, figure: Figure): void {
  // the figure builders' JSON is Plotly's, typed loosely in src/charts/figure.ts
  void Plotly.react($(id), figure.data as Plotly.Data[], { ...figure.layout, autosize: true } as Partial<Plotly.Layout>, { responsive: true, displaylogo: false });
}

/** A download link, with the results folder the file goes into to join the study. */
function download(name: string, text: string, type: string, folder: string): void {
  const p = document.createElement('p');
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], { type }));
  a.download = name;
  a.textContent = `Download ${name}`;
  a.dataset.file = name;
  a.dataset.folder = folder;
  p.append(a, ` → put it into ${folder}`);
  $('downloads').appendChild(p);
}

function showSkipped(variant: string, reason: string): void {
  const li = document.createElement('li');
  li.textContent = `${variant}: not run here (${reason})`;
  $('skipped').appendChild(li);
}

/**
 * The name the downloads carry: the one the reader typed (or ?name=), so two hosts with the same browser,
 * OS and core count do not overwrite each other's files, else the device's own slug.
 */
function fileSlug(d: DeviceInfo): string {
  const named = $<HTMLInputElement>('device-name').value.trim();
  return named && !slugProblem(named) ? named : d.slug;
}

/** `expected`: described by the page before a run, when the worker has not yet said which kernels it loads. */
function showDevice(d: DeviceInfo, expected = false): void {
  const kernels = d.kernels === 'wasm' ? 'WebAssembly SIMD' : 'TypeScript (no SharedArrayBuffer here)';
  const rows: [string, string][] = [
    ['slug (names the files)', fileSlug(d)], ['device slug', d.slug], ['browser', `${d.browser} ${d.browserVersion}${d.headless ? ' (headless)' : ''}`], ['user agent', d.userAgent],
    ['logical cores', String(d.cores)], ['device memory', d.memoryGiB === null ? 'not exposed' : `${d.memoryGiB} GiB`], ['OS, arch', `${d.os}, ${d.arch}`],
    ['cross-origin isolated', String(d.crossOriginIsolated)], ['training kernels', expected ? `${kernels} (expected; the run confirms it)` : kernels],
    ['timer resolution', `${d.timerResolutionUs} µs`],
  ];
  const table = $<HTMLTableElement>('device');
  table.innerHTML = '';
  for (const [k, v] of rows) {
    const tr = table.insertRow();
    tr.insertCell().textContent = k;
    tr.insertCell().textContent = v;
  }
}

/** Rows of label/value pairs, or a table with a header row from objects. */
function fillTable(id: string, rows: readonly Record<string, string | number>[] | readonly [string, string][]): void {
  const table = $<HTMLTableElement>(id);
  table.innerHTML = '';
  if (rows.length === 0) return;
  if (Array.isArray(rows[0])) {
    for (const [k, v] of rows as [string, string][]) {
      const tr = table.insertRow();
      tr.insertCell().textContent = k;
      tr.insertCell().textContent = v;
    }
    return;
  }
  const objects = rows as Record<string, string | number>[];
  const columns = Object.keys(objects[0]);
  const head = table.createTHead().insertRow();
  for (const c of columns) head.appendChild(document.createElement('th')).textContent = c;
  const body = table.createTBody();
  for (const r of objects) {
    const tr = body.insertRow();
    for (const c of columns) tr.insertCell().textContent = String(r[c]);
  }
}

function showGpu(outcome: GpuBenchOutcome): void {
  if (!outcome.available) {
    $('gpu-status').textContent = `No GPU benchmark: ${outcome.reason}.`;
    document.body.dataset.gpu = 'unavailable';
    return;
  }
  const a = outcome.adapter;
  $('gpu-status').textContent = `GPU math-bench done in ${outcome.seconds.toFixed(1)} s on ${a.label}${a.software ? ' — a software renderer on the CPU, not a GPU' : ''}.`;
  $('gpu-answer').textContent = outcome.answer;
  const has = (f: string): string => (a.features.includes(f) ? 'yes' : 'no');
  fillTable('gpu-adapter', [
    ['adapter', a.label], ['vendor', a.vendor || 'not exposed'], ['architecture', a.architecture || 'not exposed'],
    ['device, description', [a.device, a.description].filter((x) => x !== '').join(', ') || 'not exposed'],
    ['software fallback', a.software ? `yes: ${a.label}` : a.fallback === null ? 'no (the browser does not say)' : 'no'],
    ['timer', outcome.timer], ['shader-f16', has('shader-f16')], ['timestamp-query', has('timestamp-query')],
    ...Object.entries(a.limits).map(([k, v]): [string, string] => [k, String(v)]),
  ]);
  fillTable('gpu-rows', outcome.rows.map((r) => ({ Function: r.Function, precision: r.precision, 'Relative Time': r['Relative Time'], ns_per_op: r.ns_per_op, ns_gross: r.ns_gross, rounds: r.rounds })));
  fillTable('gpu-accuracy', gpuAccuracyTableRows(outcome.accuracy));
  download(`${outcome.slug}.csv`, outcome.csv, 'text/csv', 'results/math-bench/gpu/');
  download(`${outcome.slug}.json`, JSON.stringify(outcome.description, null, 2) + '\n', 'application/json', 'results/math-bench/gpu/');
  document.body.dataset.gpu = 'done';
}

/** Where the progress bar stands: the stages that run share it in proportion to how long each takes. */
function overallProgress(stages: readonly string[], stage: string, fraction: number): number {
  const weight: Record<string, number> = { 'math-bench': 3, training: 2, gpu: 1 };
  const total = stages.reduce((s, x) => s + weight[x], 0);
  const before = stages.slice(0, Math.max(0, stages.indexOf(stage))).reduce((s, x) => s + weight[x], 0);
  return (before + weight[stage] * fraction) / total;
}

function start(): void {
  const problem = slugProblem($<HTMLInputElement>('device-name').value.trim() || 'ok');
  if (problem) {
    $('status').textContent = `device name: ${problem}`;
    return;
  }
  const profile = ($<HTMLSelectElement>('profile').value === 'careful' ? 'careful' : 'quick') as StartMessage['profile'];
  const math = $<HTMLInputElement>('math').checked;
  const train = $<HTMLInputElement>('train').checked;
  const gpu = $<HTMLInputElement>('gpu').checked;
  const stages = [...(math ? ['math-bench'] : []), ...(train ? ['training'] : []), ...(gpu ? ['gpu'] : [])];
  $<HTMLButtonElement>('start').disabled = true;
  $('downloads').innerHTML = '';
  $('skipped').innerHTML = '';
  $('memory').textContent = '';
  $('answer').textContent = 'The answer follows the run.';
  $('noise').textContent = '';
  $('ratios').innerHTML = '';
  for (const id of ['gpu-answer', 'gpu-adapter', 'gpu-rows', 'gpu-accuracy']) $(id).innerHTML = '';
  $('gpu-status').textContent = gpu ? 'waiting for the other benchmarks' : 'not run (unchecked)';
  document.body.dataset.state = 'running';
  const worker = new Worker('worker.js');
  let device: DeviceInfo | undefined;
  const trainRows: BenchRow[] = [];
  const rounds: RoundTimes[] = [];
  let mathRows: MathBenchRow[] | undefined;
  worker.onmessage = (e: MessageEvent<WorkerMessage>) => {
    const m = e.data;
    switch (m.type) {
      case 'device':
        device = m.device;
        showDevice(m.device);
        break;
      case 'progress':
        $<HTMLProgressElement>('progress').value = overallProgress(stages, m.stage, m.fraction);
        $('status').textContent = `${m.stage}: ${m.label}`;
        break;
      case 'math-bench': {
        const slug = fileSlug(device!);
        mathRows = m.rows;
        // a kind whose ISRU or tanh costs less than the timer resolves has no ratio: the table says so, the chart leaves it out
        draw('chart-ratio', mathBenchRatioFigure([{ machine: slug, rows: resolvedRows(m.rows) }]));
        fillTable('ratios', ratioRows(m.rows));
        draw('chart-scalar', mathBenchBarFigure(m.rows, slug));
        download(`${slug}.csv`, m.csv, 'text/csv', 'results/math-bench/');
        download(`${slug}.json`, JSON.stringify(m.description, null, 2) + '\n', 'application/json', 'results/math-bench/');
        break;
      }
      case 'training-row':
        trainRows.push(...m.rows);
        rounds.push(...m.rounds);
        draw('chart-train', benchTimeFigure(benchPoints(trainRows as unknown as Record<string, string | number>[]), fileSlug(device!)));
        break;
      case 'training-skip':
        showSkipped(m.variant, m.reason);
        break;
      case 'training':
        // <device>.bench.csv: beside the math-bench's <device>.csv in a downloads folder; results/bench reads it as <device>
        download(`${fileSlug(device!)}.bench.csv`, m.csv, 'text/csv', 'results/bench/');
        if (m.memory.wasmBytes > 0) $('memory').textContent = `WebAssembly memory of the training benchmark at its largest case (${m.memory.label}, one network per variant): ${(m.memory.wasmBytes / 2 ** 20).toFixed(1)} MiB.`;
        document.body.dataset.peakWasmBytes = String(m.memory.wasmBytes);
        break;
      case 'done':
        if (m.heapBytes !== null) document.body.dataset.workerHeapBytes = String(m.heapBytes);
        $('answer').textContent = deviceAnswer(mathRows, trainRows);
        $('noise').textContent = noiseWarning(rounds) ?? '';
        worker.terminate();
        void afterWorker(m.seconds);
        break;
      case 'error':
        fail(m.message);
        worker.terminate();
        break;
    }
  };
  const fail = (message: string): void => {
    $('status').textContent = `failed: ${message}`;
    document.body.dataset.state = 'error';
    $<HTMLButtonElement>('start').disabled = false;
  };
  const afterWorker = async (workerSeconds: number): Promise<void> => {
    let seconds = workerSeconds;
    if (gpu) {
      try {
        const outcome = await runGpuBench({
          profile, deviceSlug: fileSlug(device!), forceWallClock: auto.get('gputimer') === 'wall',
          onProgress: (fraction, label) => {
            $<HTMLProgressElement>('progress').value = overallProgress(stages, 'gpu', fraction);
            $('status').textContent = `GPU: ${label}`;
          },
        });
        showGpu(outcome);
        if (outcome.available) seconds += outcome.seconds;
      } catch (err) {
        fail(`GPU math-bench: ${(err as Error).message}`);
        return;
      }
    }
    $<HTMLProgressElement>('progress').value = 1;
    $('status').textContent = `done in ${seconds.toFixed(1)} s`;
    document.body.dataset.seconds = seconds.toFixed(2);
    document.body.dataset.state = 'done';
    $<HTMLButtonElement>('start').disabled = false;
  };
  worker.postMessage({ type: 'start', profile, math, train } satisfies StartMessage);
}

$('start').addEventListener('click', start);
// the device as the page sees it, before any run: the worker's WebAssembly kernels need SharedArrayBuffer, i.e. isolation
showDevice(describeDevice(globalThis.crossOriginIsolated ? 'wasm' : 'js'), true);
// ?run=quick starts at once (for the automated test and for a link sent to a phone); math=0, train=0, gpu=0
// leave a benchmark out, gputimer=wall times the GPU by the wall clock even where it has timestamps; name=<slug> names the files
if (auto.get('name')) $<HTMLInputElement>('device-name').value = auto.get('name')!;
if (auto.get('run')) {
  $<HTMLSelectElement>('profile').value = auto.get('run') === 'careful' ? 'careful' : 'quick';
  for (const id of ['math', 'train', 'gpu']) if (auto.get(id) === '0') $<HTMLInputElement>(id).checked = false;
  start();
}
