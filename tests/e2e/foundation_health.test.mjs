// Health routes, request ids, JSON errors for unknown routes and methods, the base path.
import assert from 'node:assert/strict';
import { before, after, test } from 'node:test';

import { startServer } from './lib/server.mjs';

let server;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.kill();
});

test('GET /health/live answers 200 {"status":"ok"}', async () => {
  const res = await server.fetch('/health/live');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^application\/json/);
  assert.deepEqual(await res.json(), { status: 'ok' });
});

test('GET /health/ready answers 200 when the store answers', async () => {
  const res = await server.fetch('/health/ready');
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { status: 'ok' });
});

test('every response carries X-Request-Id: generated, or echoed when sane', async () => {
  const a = await server.fetch('/health/live');
  const b = await server.fetch('/health/live');
  const idA = a.headers.get('x-request-id');
  assert.ok(idA && idA.length >= 8, `generated id: ${idA}`);
  assert.notEqual(idA, b.headers.get('x-request-id'));

  const echoed = await server.fetch('/health/live', { headers: { 'X-Request-Id': 'trace-42.abc' } });
  assert.equal(echoed.headers.get('x-request-id'), 'trace-42.abc');

  const insane = 'x'.repeat(500);
  const replaced = await server.fetch('/health/live', { headers: { 'X-Request-Id': insane } });
  const id = replaced.headers.get('x-request-id');
  assert.ok(id && id !== insane, 'an oversized id is replaced');

  const missing = await server.fetch('/no/such/route');
  assert.ok(missing.headers.get('x-request-id'), 'errors carry an id too');
});

test('an unknown route is a 404 with a JSON error body', async () => {
  const res = await server.fetch('/no/such/route');
  assert.equal(res.status, 404);
  const body = await res.json();
  assert.equal(body.error, 'NOT_FOUND');
  assert.equal(typeof body.message, 'string');
});

test('a wrong method is a 405 with Allow and a JSON error body', async () => {
  const res = await server.fetch('/health/live', { method: 'POST', body: '{}' });
  assert.equal(res.status, 405);
  assert.match(res.headers.get('allow'), /\bGET\b/);
  const body = await res.json();
  assert.equal(body.error, 'METHOD_NOT_ALLOWED');
  assert.equal(typeof body.message, 'string');
});

test('with base_path = "/dev" routes live under /dev only', async (t) => {
  const dev = await startServer({ t, config: '[server]\nbase_path = "/dev"\n' });
  const live = await dev.fetch('/dev/health/live');
  assert.equal(live.status, 200);
  assert.deepEqual(await live.json(), { status: 'ok' });
  const ready = await dev.fetch('/dev/health/ready');
  assert.equal(ready.status, 200);
  await ready.arrayBuffer();
  const bare = await dev.fetch('/health/live');
  assert.equal(bare.status, 404);
  assert.equal((await bare.json()).error, 'NOT_FOUND');
  const { code } = await dev.stop();
  assert.equal(code, 0);
});
