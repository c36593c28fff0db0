/**
 * `npm run web`: bundles the web page (web/) into web/dist/ with esbuild and serves it on 127.0.0.1.
 *
 *   node dist/scripts/web.js [--build-only] [--port 8080] [--no-isolation]
 *
 * The page and its worker are built from the same src/ modules as the command line. Three substitutions make
 * them run in a browser: src/lstm/wasm/binaries.ts (which reads the compiled kernels from disk) becomes
 * web/src/kernel-bytes.ts (the same kernels, inside the bundle), the trainer's worker-thread team (which
 * it imports only when threads start) becomes web/src/no-threads.ts, and `process.env.LSTM_OPT_KERNELS` is
 * undefined (and csv-parse/csv-stringify resolve to their browser builds). Anything else that needs Node fails the build (platform 'browser' cannot resolve node:*).
 *
 * The server sends the two headers of cross-origin isolation (COOP same-origin, COEP require-corp), without
 * which a browser gives the page no SharedArrayBuffer and a coarse timer; --no-isolation leaves them out,
 * as a plain static host would, and the page then runs the training benchmark on the TypeScript kernels.
 */
import { Command, InvalidArgumentError } from 'commander';
import { build, Plugin } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { projectRoot } from '../src/io/paths';

export const WEB_DIR = join(projectRoot(), 'web');
export const WEB_DIST = join(WEB_DIR, 'dist');

/** Resolves the engine's disk reader of the kernel modules to the bundled one, and Node builds to browser builds. */
const browserModules: Plugin = {
  name: 'browser-modules',
  setup(b) {
    b.onResolve({ filter: /^\.\/binaries$/ }, (args) =>
      args.importer.endsWith(join('src', 'lstm', 'wasm', 'kernels.ts')) ? { path: join(WEB_DIR, 'src', 'kernel-bytes.ts') } : undefined,
    );
    // the trainer imports its worker-thread team only when threads start, which the page never does
    b.onResolve({ filter: /^\.\/parallel\/team$/ }, (args) =>
      args.importer.endsWith(join('src', 'lstm', 'trainer.ts')) ? { path: join(WEB_DIR, 'src', 'no-threads.ts') } : undefined,
    );
    // csv-parse and csv-stringify ship a browser build (with their own Buffer) beside the Node one
    b.onResolve({ filter: /^csv-(parse|stringify)\/sync$/ }, (args) => ({ path: join(projectRoot(), 'node_modules', args.path.split('/')[0], 'dist', 'esm', 'sync.js') }));
  },
};

/** Builds `outdir` (default web/dist/): index.html, main.css, main.js (page + Plotly) and worker.js (benchmarks + engine). Returns bytes per file. */
export async function buildWeb(outdir = WEB_DIST): Promise<Record<string, number>> {
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: { main: join(WEB_DIR, 'src', 'main.ts'), worker: join(WEB_DIR, 'src', 'worker.ts') },
    outdir,
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2022'],
    loader: { '.wasm': 'binary' },
    define: { 'process.env.LSTM_OPT_KERNELS': 'undefined' },
    plugins: [browserModules],
    logLevel: 'warning',
  });
  for (const f of ['index.html', 'main.css']) copyFileSync(join(WEB_DIR, f), join(outdir, f));
  const sizes: Record<string, number> = {};
  for (const f of ['index.html', 'main.css', 'main.js', 'worker.js']) sizes[f] = statSync(join(outdir, f)).size;
  return sizes;
}

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.json': 'application/json' };

/** Longer request targets are refused: no file of the page has a name near this long. */
export const MAX_URL_LENGTH = 2048;

/** What the server answers a request with: a status and, for 200, the file to send. */
export interface StaticAnswer {
  status: 200 | 400 | 404 | 405 | 414;
  file?: string;
}

/**
 * Maps a request to a file of `root`, refusing anything but GET/HEAD of a regular file inside it:
 * malformed percent-encoding or a NUL byte is 400, a path that leaves the folder (.., an encoded slash,
 * or a symlink pointing out) is 404, like a missing file. Throws nothing, whatever the URL.
 */
export function resolveStatic(root: string, method: string | undefined, url: string | undefined): StaticAnswer {
  if (method !== 'GET' && method !== 'HEAD') return { status: 405 };
  const target = url ?? '/';
  if (target.length > MAX_URL_LENGTH) return { status: 414 };
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(target, 'http://localhost').pathname);
  } catch {
    return { status: 400 };
  }
  if (pathname.includes('\0')) return { status: 400 };
  const rel = normalize(pathname).replace(/^[/\\]+/, '');
  const file = join(root, rel === '' ? 'index.html' : rel);
  try {
    const realRoot = realpathSync(root);
    const real = realpathSync(file);
    if (!real.startsWith(realRoot + sep) || !statSync(real).isFile()) return { status: 404 };
    return { status: 200, file: real };
  } catch {
    return { status: 404 };
  }
}

const REASONS: Record<number, string> = { 400: 'bad request', 404: 'not found', 405: 'method not allowed', 414: 'URL too long', 500: 'internal error' };

/**
 * A static server of `root` (default web/dist/) on 127.0.0.1 (port 0: any free port). No request can
 * stop it: every answer comes from resolveStatic, and a failure while answering is a 500 for that
 * request alone.
 */
export function serveWeb(port: number, isolation: boolean, root = WEB_DIST): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const headers: Record<string, string> = { 'Cache-Control': 'no-store' };
    if (isolation) {
      headers['Cross-Origin-Opener-Policy'] = 'same-origin';
      headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
    }
    try {
      const answer = resolveStatic(root, req.method, req.url);
      if (answer.status !== 200) {
        res.writeHead(answer.status, { ...headers, ...(answer.status === 405 ? { Allow: 'GET, HEAD' } : {}) }).end(REASONS[answer.status]);
        return;
      }
      const body = readFileSync(answer.file!);
      res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(answer.file!)] ?? 'application/octet-stream', 'Content-Length': body.length });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      if (!res.headersSent) res.writeHead(500, headers);
      res.end(REASONS[500]);
    }
  });
  // a request the HTTP parser rejects (bad method token, oversized headers) gets a 400 and its socket closed
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const actual = typeof address === 'object' && address ? address.port : port;
      resolve({ server, url: `http://127.0.0.1:${actual}/` });
    });
  });
}

function parsePort(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port number (0-65535)');
  return n;
}

async function main(): Promise<void> {
  const opts = new Command('web')
    .description('build the benchmark page into web/dist/ and serve it on 127.0.0.1')
    .option('--port <n>', 'port (0: any free one)', parsePort, 8080)
    .option('--no-isolation', 'serve without the cross-origin isolation headers (no SharedArrayBuffer: TypeScript kernels)')
    .option('--build-only', 'build, do not serve')
    .parse()
    .opts<{ port: number; isolation: boolean; buildOnly?: boolean }>();
  const sizes = await buildWeb();
  const total = Object.values(sizes).reduce((a, b) => a + b, 0);
  console.log(`built ${WEB_DIST}: ${Object.entries(sizes).map(([f, n]) => `${f} ${(n / 1024).toFixed(0)} KiB`).join(', ')}; total ${(total / 2 ** 20).toFixed(2)} MiB`);
  if (opts.buildOnly) return;
  const { url } = await serveWeb(opts.port, opts.isolation);
  console.log(`serving ${opts.isolation ? 'with' : 'WITHOUT'} cross-origin isolation at ${url} (Ctrl-C stops)`);
}

if (require.main === module) {
  main().catch((err: Error) => {
    console.error(err.message);
    process.exit(err.message.includes('EADDRINUSE') ? 2 : 1);
  });
}
