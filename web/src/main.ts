/**
 * The page: starts the benchmark worker, shows its progress, the device, live charts (the notebooks'
 * figure builders, src/charts) and download links for the results files, named by the device slug.
 */
import Plotly from 'plotly.js-dist';
import type { BenchRow } from '../../bench/table';
import { benchPoints } from '../../src/analysis/bench';
import { benchTimeFigure } from '../../src/charts/bench';
import { mathBenchBarFigure, mathBenchRatioFigure } from '../../src/charts/math-bench';
import type { Figure } from '../../src/charts/figure';
import type { DeviceInfo } from './device';
import { slugProblem } from '../../src/io/slug';
import type { StartMessage, WorkerMessage } from './protocol';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

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

function showDevice(d: DeviceInfo): void {
  const rows: [string, string][] = [
    ['slug (names the files)', fileSlug(d)], ['device slug', d.slug], ['browser', `${d.browser} ${d.browserVersion}${d.headless ? ' (headless)' : ''}`], ['user agent', d.userAgent],
    ['logical cores', String(d.cores)], ['device memory', d.memoryGiB === null ? 'not exposed' : `${d.memoryGiB} GiB`], ['OS, arch', `${d.os}, ${d.arch}`],
    ['cross-origin isolated', String(d.crossOriginIsolated)], ['training kernels', d.kernels === 'wasm' ? 'WebAssembly SIMD' : 'TypeScript (no SharedArrayBuffer here)'],
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

function start(): void {
  const problem = slugProblem($<HTMLInputElement>('device-name').value.trim() || 'ok');
  if (problem) {
    $('status').textContent = `device name: ${problem}`;
    return;
  }
  const profile = ($<HTMLSelectElement>('profile').value === 'careful' ? 'careful' : 'quick') as StartMessage['profile'];
  const train = $<HTMLInputElement>('train').checked;
  $<HTMLButtonElement>('start').disabled = true;
  $('downloads').innerHTML = '';
  $('skipped').innerHTML = '';
  $('memory').textContent = '';
  document.body.dataset.state = 'running';
  const worker = new Worker('worker.js');
  let device: DeviceInfo | undefined;
  const trainRows: BenchRow[] = [];
  worker.onmessage = (e: MessageEvent<WorkerMessage>) => {
    const m = e.data;
    switch (m.type) {
      case 'device':
        device = m.device;
        showDevice(m.device);
        break;
      case 'progress':
        $<HTMLProgressElement>('progress').value = m.stage === 'math-bench' && train ? m.fraction * 0.6 : m.stage === 'training' ? 0.6 + 0.4 * m.fraction : m.fraction;
        $('status').textContent = `${m.stage}: ${m.label}`;
        break;
      case 'math-bench': {
        const slug = fileSlug(device!);
        draw('chart-ratio', mathBenchRatioFigure([{ machine: slug, rows: m.rows }]));
        draw('chart-scalar', mathBenchBarFigure(m.rows, slug));
        download(`${slug}.csv`, m.csv, 'text/csv', 'results/math-bench/');
        download(`${slug}.json`, JSON.stringify(m.description, null, 2) + '\n', 'application/json', 'results/math-bench/');
        break;
      }
      case 'training-row':
        trainRows.push(...m.rows);
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
        $<HTMLProgressElement>('progress').value = 1;
        $('status').textContent = `done in ${m.seconds.toFixed(1)} s`;
        document.body.dataset.seconds = m.seconds.toFixed(2);
        if (m.heapBytes !== null) document.body.dataset.workerHeapBytes = String(m.heapBytes);
        document.body.dataset.state = 'done';
        $<HTMLButtonElement>('start').disabled = false;
        worker.terminate();
        break;
      case 'error':
        $('status').textContent = `failed: ${m.message}`;
        document.body.dataset.state = 'error';
        $<HTMLButtonElement>('start').disabled = false;
        worker.terminate();
        break;
    }
  };
  worker.postMessage({ type: 'start', profile, train } satisfies StartMessage);
}

$('start').addEventListener('click', start);
// ?run=quick starts at once (for the automated test and for a link sent to a phone)
const auto = new URLSearchParams(location.search);
if (auto.get('name')) $<HTMLInputElement>('device-name').value = auto.get('name')!;
if (auto.get('run')) {
  $<HTMLSelectElement>('profile').value = auto.get('run') === 'careful' ? 'careful' : 'quick';
  if (auto.get('train') === '0') $<HTMLInputElement>('train').checked = false;
  start();
}
