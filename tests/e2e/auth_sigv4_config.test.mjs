// SigV4 settings of [auth]: UNSIGNED-PAYLOAD when a deployment allows it, another region and
// service, and a credentials file others can read, which the service refuses to start with.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, runCli } from './lib/server.mjs';
import { createCredential, send, smithySign, aws4Sign, waitUntilKnown, reasonOf } from './lib/sigv4.mjs';

const BODY = '{"playerId":"p1"}';

test('allow_unsigned_payload, sigv4_region and sigv4_service are honoured', async (t) => {
  const server = await startServer({
    t,
    config: 'aws_region = "eu-west-1"\n[auth]\nallow_unsigned_payload = true\n' +
      'sigv4_region = "us-west-2"\nsigv4_service = "gamelift-api"\n',
  });
  const creds = await createCredential(server, 'gs');
  assert.equal(creds.region, 'us-west-2');
  const opts = { region: 'us-west-2', service: 'gamelift-api' };
  const deadline = Date.now() + 5000;
  let ok;
  for (;;) {
    ok = await send(server, await smithySign(server, creds, {
      ...opts, method: 'POST', path: '/identity/game-server', body: BODY,
      headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    }));
    if (ok.status === 200 || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal(ok.status, 200, ok.text);
  const wrong = await send(server, aws4Sign(server, creds, { path: '/identity/game-server' }));
  assert.equal(wrong.status, 403);
  assert.equal(reasonOf(wrong), 'InvalidSignatureException');
  assert.match(wrong.json.message, /gamelift-api/);
  await server.stop();
});

test('a credentials file readable by others keeps the service from starting', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'session-api-e2e-'));
  const data = path.join(dir, 'data');
  mkdirSync(data);
  const file = path.join(data, 'credentials.json');
  writeFileSync(file, '{"credentials":[]}');
  chmodSync(file, 0o644);
  await assert.rejects(startServer({ dataDir: data, timeoutMs: 5000 }), /chmod 600/);
  const list = await runCli(['credentials', 'list', '--data-dir', data]);
  assert.equal(list.code, 1);
  assert.match(list.stderr, /chmod 600/);
  chmodSync(file, 0o600);
  const server = await startServer({ dataDir: data });
  const creds = await createCredential({ ...server, dir, port: server.port }, 'gs');
  await waitUntilKnown(server, creds);
  await server.stop();
});
