/**
 * The benchmark page's static server (scripts/web.ts) against hostile requests, on 127.0.0.1: malformed
 * percent-encoding, NUL bytes, traversal (plain, encoded, with backslashes), symlinks pointing out of its
 * folder, very long URLs, unknown methods and garbage request lines, plus a bounded loop of random URLs.
 * Every request gets an answer (4xx, never a dropped connection without one, never a 5xx), nothing outside
 * the folder is ever served, and the server still answers a normal request at the end.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { withTempDir } from './helpers/temp';
import { resolveStatic, serveWeb } from '../scripts/web';

const SECRET = 'outside the served folder';

/** Sends raw bytes and returns the status code of the reply (0: the connection closed without one). */
function raw(port: number, request: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    socket.setTimeout(5000, () => socket.destroy());
    socket.on('data', (d: Buffer) => (reply += d.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', () => {
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(reply);
      resolve({ status: m ? Number(m[1]) : 0, body: reply.slice(reply.indexOf('\r\n\r\n') + 4) });
    });
    socket.write(request);
  });
}

const get = (port: number, target: string, method = 'GET'): Promise<{ status: number; body: string }> =>
  raw(port, `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);

/** A seeded generator of nasty URL paths (xorshift), so a failure is reproducible. */
function* randomTargets(count: number, seed = 26): Generator<string> {
  let x = seed;
  const next = (n: number): number => {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    return (x >>> 0) % n;
  };
  const pieces = ['%', '%2', '%zz', '%00', '%2e%2e', '%2f', '..', '/', '\\', '%c0%af', '%e2%82', 'index.html', 'a', '?', '#', ';', '%25', '~', '%ff', '.'];
  for (let k = 0; k < count; k++) {
    let t = '/';
    for (let n = 1 + next(8); n > 0; n--) t += pieces[next(pieces.length)];
    yield t;
  }
}

test('the web server answers hostile requests with 4xx, serves nothing outside its folder, and stays up', async () => {
  await withTempDir('lstm-opt-web-', async (dir) => {
    const root = join(dir, 'site');
    mkdirSync(join(root, 'sub'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<p>page</p>');
    writeFileSync(join(root, 'sub', 'a.js'), 'ok');
    writeFileSync(join(dir, 'secret.txt'), SECRET);
    symlinkSync(join(dir, 'secret.txt'), join(root, 'link.txt')); // a symlink out of the folder
    symlinkSync(dir, join(root, 'up')); // a folder symlink out of it
    symlinkSync(join(root, 'sub', 'a.js'), join(root, 'inside.js')); // a symlink that stays inside
    const { server, url } = await serveWeb(0, true, root);
    const port = Number(new URL(url).port);
    try {
      const fixed: [string, number | number[], string?][] = [
        ['/', 200], ['/sub/a.js', 200], ['/inside.js', 200],
        ['/%', 400], ['/%E0%A4%A', 400], ['/%zz', 400], ['/a%00b', 400], ['/%c0%af', 400],
        ['/../secret.txt', 404], ['/%2e%2e/secret.txt', 404], ['/..%2fsecret.txt', 404], ['/..%5csecret.txt', 404], ['/sub/../../secret.txt', 404],
        ['/link.txt', 404], ['/up/secret.txt', 404], ['/sub', 404], ['/nope', 404],
        [`/${'a'.repeat(5000)}`, 414], [`/${'%'.repeat(3000)}`, 414],
        ['/', 405, 'DELETE'], ['/', 405, 'POST'], ['/', [400, 405], 'BREW'], // an unknown method is the HTTP parser's 400
      ];
      for (const [target, want, method] of fixed) {
        const r = await get(port, target, method);
        assert.ok((Array.isArray(want) ? want : [want]).includes(r.status), `${method ?? 'GET'} ${target.slice(0, 60)}: ${r.status}`);
        assert.ok(!r.body.includes(SECRET), `${target} served the file outside`);
      }
      // request lines the HTTP parser itself rejects, and headers far too large
      for (const request of ['GARBAGE\r\n\r\n', 'GET / HTTP/9.9\r\n\r\n', `GET / HTTP/1.1\r\nX: ${'y'.repeat(20_000)}\r\n\r\n`, '\x00\x01\x02\r\n\r\n']) {
        const r = await raw(port, request);
        assert.ok(r.status === 0 || (r.status >= 400 && r.status < 500), `${JSON.stringify(request.slice(0, 30))}: ${r.status}`);
      }
      // a bounded loop of random nasty paths: always an answer below 500, never the secret
      for (const target of randomTargets(300)) {
        const r = await get(port, target);
        assert.ok(r.status >= 200 && r.status < 500, `${target}: ${r.status}`);
        assert.ok(!r.body.includes(SECRET), `${target} served the file outside`);
      }
      // still up and serving
      const last = await get(port, '/');
      assert.equal(last.status, 200);
      assert.match(last.body, /<p>page<\/p>/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

test('resolveStatic maps requests without throwing, whatever the URL', () => {
  assert.deepEqual(resolveStatic('/no/such/root', 'GET', '/%'), { status: 400 });
  assert.deepEqual(resolveStatic('/no/such/root', 'PUT', '/'), { status: 405 });
  assert.deepEqual(resolveStatic('/no/such/root', 'GET', '/index.html'), { status: 404 });
  assert.deepEqual(resolveStatic('/no/such/root', 'HEAD', `/${'x'.repeat(3000)}`), { status: 414 });
});
