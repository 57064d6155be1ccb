// GET /metrics: valid Prometheus text (checked by promtool) that counts the traffic sent.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

import { startServer } from './lib/server.mjs';

function sample(text, name, labels) {
  const want = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',');
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${want}} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

function promtool(text) {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  assert.notEqual(r.error?.code, 'ENOENT', 'promtool is not installed (Debian package prometheus)');
  return r;
}

test('metrics pass promtool and count requests by route, method and status', async (t) => {
  const server = await startServer({ t }); // its readiness probe is one GET /health/live
  for (let i = 0; i < 4; i++) await (await server.fetch('/health/live')).arrayBuffer();
  for (let i = 0; i < 2; i++) await (await server.fetch('/health/ready')).arrayBuffer();
  for (let i = 0; i < 3; i++) await (await server.fetch(`/scanner/${i}`)).arrayBuffer();
  await (await server.fetch('/health/live', { method: 'DELETE' })).arrayBuffer();

  const res = await server.fetch('/metrics');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  const text = await res.text();

  const check = promtool(text);
  assert.equal(check.status, 0, `promtool check metrics:\n${check.stdout}${check.stderr}`);

  const live = { route: '/health/live', method: 'GET', status: '200' };
  assert.equal(sample(text, 'sapi_http_requests_total', live), 5);
  assert.equal(
    sample(text, 'sapi_http_requests_total', { route: '/health/ready', method: 'GET', status: '200' }),
    2,
  );
  // Unknown paths share one series, so scanners cannot grow the label set.
  assert.equal(
    sample(text, 'sapi_http_requests_total', { route: 'unmatched', method: 'GET', status: '404' }),
    3,
  );
  assert.equal(
    sample(text, 'sapi_http_requests_total', { route: 'unmatched', method: 'DELETE', status: '405' }),
    1,
  );
  assert.equal(sample(text, 'sapi_http_request_duration_seconds_count', { route: '/health/live' }), 5);
  assert.equal(
    sample(text, 'sapi_http_request_duration_seconds_bucket', { route: '/health/live', le: '+Inf' }),
    5,
  );
  assert.match(text, /^sapi_http_requests_in_flight 1$/m, 'the /metrics request itself is in flight');
  assert.match(text, /^sapi_http_open_connections [1-9]\d*$/m);
  assert.match(text, /^process_resident_memory_bytes [1-9]\d*$/m);
  assert.match(text, /^process_cpu_seconds_total \d/m);
  assert.match(text, /^process_open_fds [1-9]\d*$/m);
  assert.match(text, /^# TYPE sapi_store_batch_writes histogram$/m);
  assert.match(text, /^# TYPE sapi_store_operation_duration_seconds histogram$/m);

  const again = await (await server.fetch('/metrics')).text();
  assert.equal(
    sample(again, 'sapi_http_requests_total', { route: '/metrics', method: 'GET', status: '200' }),
    1,
  );
});

test('with server.metrics_token, /metrics needs the bearer token', async (t) => {
  const token = 'metrics-token-for-e2e-9f3a';
  const server = await startServer({ t, env: { SESSION_API_SERVER_METRICS_TOKEN: token } });
  const denied = await server.fetch('/metrics');
  assert.equal(denied.status, 401);
  assert.equal((await denied.json()).error, 'UNAUTHORIZED');
  const allowed = await server.fetch('/metrics', { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(allowed.status, 200);
  const check = promtool(await allowed.text());
  assert.equal(check.status, 0, check.stdout + check.stderr);
  await server.stop();
  for (const line of server.lines()) assert.ok(!line.includes(token), `token logged: ${line}`);
});
