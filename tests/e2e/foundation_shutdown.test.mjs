// Graceful shutdown on SIGTERM and SIGINT: in-flight requests finish, the process exits 0
// with a final "stopped" line.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import net from 'node:net';
import { test } from 'node:test';

import { startServer } from './lib/server.mjs';

function connect(port) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
    socket.on('error', reject);
  });
}

function readUntilClose(socket) {
  return new Promise((resolve) => {
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (d) => (data += d));
    socket.on('close', () => resolve(data));
    socket.on('error', () => {});
  });
}

for (const signal of ['SIGTERM', 'SIGINT']) {
  test(`${signal}: exit 0 and a clean final log line`, async (t) => {
    const server = await startServer({ t });
    const started = Date.now();
    const { code, signal: killedBy } = await server.stop({ signal });
    assert.equal(killedBy, null);
    assert.equal(code, 0);
    assert.ok(Date.now() - started < 5000, 'an idle server stops at once');
    const logs = server.logs();
    const shutting = logs.find((l) => l.message === 'shutting down');
    assert.equal(shutting?.signal, signal);
    assert.equal(logs.at(-1).message, 'stopped');
    assert.deepEqual(server.stderrLines, []);
  });
}

test('a request in flight when SIGTERM arrives is answered before the exit', async (t) => {
  const server = await startServer({ t });
  const socket = await connect(server.port);
  const response = readUntilClose(socket);
  // Headers complete, body half sent: the request is in flight.
  socket.write(
    'GET /health/live HTTP/1.1\r\nHost: x\r\nX-Request-Id: in-flight-1\r\nContent-Length: 10\r\n\r\nhello',
  );
  await new Promise((resolve) => setTimeout(resolve, 200));
  const exit = server.stop();
  await server.waitForLog((l) => l.message === 'shutting down');
  await new Promise((resolve) => setTimeout(resolve, 200));
  socket.write('world');
  const text = await response;
  assert.match(text, /^HTTP\/1\.1 200 /);
  assert.match(text, /\{"status":"ok"\}/);
  assert.match(text, /x-request-id: in-flight-1/i);
  assert.equal((await exit).code, 0);
  const access = server.logs().find((l) => l.message === 'access' && l.requestId === 'in-flight-1');
  assert.equal(access?.status, 200);
});

test('an idle keep-alive connection does not hold the shutdown up', async (t) => {
  const server = await startServer({ t, config: '[server]\nshutdown_deadline_ms = 20000\n' });
  const socket = await connect(server.port);
  const closed = readUntilClose(socket);
  socket.write('GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n');
  await new Promise((resolve) => setTimeout(resolve, 200));
  const started = Date.now();
  const { code } = await server.stop();
  assert.equal(code, 0);
  assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
  assert.match(await closed, /^HTTP\/1\.1 200 /);
});

test('the store is closed cleanly: a restart on the same data directory is ready', async (t) => {
  const first = await startServer({ t });
  const dataDir = first.listening.data_dir;
  first.keepDir = true;
  t.after(() => rmSync(first.dir, { recursive: true, force: true }));
  assert.equal((await first.stop()).code, 0);
  const second = await startServer({ t, dataDir });
  const ready = await second.fetch('/health/ready');
  assert.equal(ready.status, 200);
  await ready.arrayBuffer();
  assert.equal((await second.stop()).code, 0);
});
