// JSON-lines logs: one access line per request with API Gateway's fields, and no token,
// signature or secret in any line.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { freePort, startServer } from './lib/server.mjs';

test('every stdout line is a JSON object with timestamp, level and message', async (t) => {
  const server = await startServer({ t });
  await (await server.fetch('/health/live')).arrayBuffer();
  await server.stop();
  assert.ok(server.stdoutLines.length >= 3, server.lines().join('\n'));
  for (const line of server.stdoutLines) {
    const obj = JSON.parse(line);
    assert.match(obj.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.ok(['DEBUG', 'INFO', 'WARN', 'ERROR'].includes(obj.level), line);
    assert.equal(typeof obj.message, 'string');
  }
});

test('one access line per request with the fields API Gateway wrote', async (t) => {
  const server = await startServer({ t });
  const res = await server.fetch('/health/ready?probe=1', { headers: { 'X-Request-Id': 'req-e2e-1' } });
  await res.arrayBuffer();
  const line = await server.waitForLog((l) => l.message === 'access' && l.requestId === 'req-e2e-1');
  assert.equal(line.ip, '127.0.0.1');
  assert.equal(line.httpMethod, 'GET');
  assert.equal(line.resourcePath, '/health/ready');
  assert.equal(line.status, 200);
  assert.equal(line.protocol, 'HTTP/1.1');
  assert.equal(line.responseLength, Number(res.headers.get('content-length')));
  assert.match(line.requestTime, /^\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d \+0000$/);
  assert.equal(typeof line.latencyMs, 'number');
  assert.ok('caller' in line && 'user' in line);
  const accessLines = server.logs().filter((l) => l.message === 'access' && l.requestId === 'req-e2e-1');
  assert.equal(accessLines.length, 1);
});

test('tokens, signatures and secrets never reach any log line', async (t) => {
  const jwt =
    'eyJhbGciOiJSUzI1NiIsImtpZCI6ImUyZSJ9.eyJzdWIiOiJwbGF5ZXItZTJlIiwidG9rZW5fdXNlIjoiaWQifQ.' +
    'c2lnbmF0dXJlLW9mLWEtcGxheWVyLXRva2VuLWUyZS0xMjM0NTY3ODkw';
  const signature = '5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7';
  const accessKey = 'AKIAE2ETESTACCESSKEY';
  const sessionToken = 'FwoGZXIvYXdzEXAMPLESESSIONTOKENe2e0123456789';
  const metricsToken = 'metrics-secret-e2e-7c41';
  const server = await startServer({
    t,
    env: { SESSION_API_LOG_LEVEL: 'DEBUG', SESSION_API_SERVER_METRICS_TOKEN: metricsToken },
  });
  const sigv4 =
    `AWS4-HMAC-SHA256 Credential=${accessKey}/20260408/eu-west-1/execute-api/aws4_request, ` +
    `SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature=${signature}`;
  const requests = [
    ['/health/live', { headers: { Authorization: jwt } }],
    ['/health/ready', { headers: { Authorization: `Bearer ${jwt}` } }],
    ['/matchmaking/start', { method: 'POST', headers: { Authorization: jwt }, body: '{"playerId":"p"}' }],
    ['/session-summary', {
      method: 'POST',
      headers: {
        Authorization: sigv4,
        'Content-Type': 'application/json',
        'X-Amz-Date': '20260408T120000Z',
        'X-Amz-Security-Token': sessionToken,
      },
      body: '{"playerId":"p","sessionId":"s"}',
    }],
    [`/session-summary?X-Amz-Signature=${signature}&X-Amz-Security-Token=${sessionToken}`, {}],
    ['/metrics', { headers: { Authorization: `Bearer ${metricsToken}` } }],
    ['/metrics', { headers: { Authorization: `Bearer wrong-${metricsToken}` } }],
    ['/health/live', { headers: { Cookie: `session=${jwt}` } }],
  ];
  let n = 0;
  for (const [p, init] of requests) {
    const headers = { ...(init.headers ?? {}), 'X-Request-Id': `secret-test-${n++}` };
    await (await server.fetch(p, { ...init, headers })).arrayBuffer();
  }
  const { code } = await server.stop();
  assert.equal(code, 0);

  const lines = server.lines();
  const access = server
    .logs()
    .filter((l) => l.message === 'access' && l.requestId.startsWith('secret-test-'));
  assert.equal(access.length, requests.length, lines.join('\n'));
  const secrets = [jwt, jwt.split('.')[2], signature, sessionToken, metricsToken, accessKey + '/'];
  for (const line of lines) {
    for (const secret of secrets) {
      assert.ok(!line.includes(secret), `a log line holds a secret:\n${line}`);
    }
    assert.ok(!/authorization/i.test(line), `a log line mentions Authorization:\n${line}`);
  }
});

test('with log_file the lines go to a dated file instead of stdout', async (t) => {
  const port = await freePort();
  const logDir = path.join(mkdtempSync(path.join(tmpdir(), 'session-api-logs-')), 'logs');
  t.after(() => rmSync(path.dirname(logDir), { recursive: true, force: true }));
  const server = await startServer({
    t,
    config: `log_file = ${JSON.stringify(path.join(logDir, 'api.log'))}\nlog_retention_days = 2\n`,
    listen: `127.0.0.1:${port}`,
  });
  await (await server.fetch('/health/live', { headers: { 'X-Request-Id': 'to-file-1' } })).arrayBuffer();
  const { code } = await server.stop();
  assert.equal(code, 0);
  assert.deepEqual(server.stdoutLines, [], 'nothing on stdout');
  const files = readdirSync(logDir);
  assert.equal(files.length, 1);
  assert.match(files[0], /^api_\d{4}-\d\d-\d\d\.log$/);
  const lines = readFileSync(path.join(logDir, files[0]), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(lines.some((l) => l.message === 'listening'));
  assert.ok(lines.some((l) => l.message === 'access' && l.requestId === 'to-file-1'));
  assert.equal(lines.at(-1).message, 'stopped');
});
