// Game servers authenticate with AWS SigV4, signed by the real signers (@smithy/signature-v4
// and aws4) against the real binary, behind a /dev base path, with credentials created and
// revoked by the real CLI while the service runs.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/server.mjs';
import {
  createCredential, revokeCredential, listCredentials, send, smithySign, smithyPresign,
  aws4Sign, aws4Presign, waitUntilKnown, reasonOf,
} from './lib/sigv4.mjs';

const BASE = '/dev';
const IDENTITY = `${BASE}/identity/game-server`;
const BODY = JSON.stringify({ playerId: 'p1', sessionId: '0123456789abcdef0123456789abcdef' });

let server;
let creds;      // long-term
let temporary;  // with a session token
const secrets = [];

before(async () => {
  server = await startServer({
    config: `aws_region = "eu-west-1"\n[server]\nbase_path = "${BASE}"\n`,
  });
  creds = await createCredential(server, 'game-server-1');
  temporary = await createCredential(server, 'game-server-tmp', ['--temporary']);
  secrets.push(creds.secretAccessKey, temporary.secretAccessKey, temporary.sessionToken);
  await waitUntilKnown(server, creds, BASE);
  await waitUntilKnown(server, temporary, BASE);
});

after(async () => {
  // Nothing secret reaches the logs: no secret, no session token, no Authorization header.
  const logs = server.lines().join('\n');
  for (const s of secrets) assert.ok(!logs.includes(s), 'a secret reached the log');
  assert.ok(!/AWS4-HMAC-SHA256 Credential/.test(logs), 'an Authorization header reached the log');
  const { code } = await server.stop();
  assert.equal(code, 0);
});

function assertAccepted(r, who = creds) {
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.accessKeyId, who.accessKeyId);
}

function assertRefused(r, reason) {
  assert.equal(r.status, 403, r.text);
  assert.equal(r.json.error, 'FORBIDDEN');
  assert.equal(reasonOf(r), reason, r.text);
  assert.equal(r.headers['x-amzn-errortype'], reason);
}

test('credentials create prints AWS-shaped keys and the region', () => {
  assert.match(creds.accessKeyId, /^AKIA[A-Z2-7]{16}$/);
  assert.equal(creds.secretAccessKey.length, 40);
  assert.equal(creds.region, 'eu-west-1');
  assert.equal(creds.sessionToken, undefined);
  assert.match(temporary.accessKeyId, /^ASIA[A-Z2-7]{16}$/);
  assert.ok(temporary.sessionToken.length > 100);
});

test('credentials list names every credential and never prints a secret', async () => {
  const { list, stdout } = await listCredentials(server);
  assert.deepEqual(list.map((c) => c.name).sort(), ['game-server-1', 'game-server-tmp']);
  for (const s of secrets) assert.ok(!stdout.includes(s));
});

test('@smithy/signature-v4: signed GET answers the caller identity', async () => {
  const r = await send(server, await smithySign(server, creds, { path: IDENTITY }));
  assertAccepted(r);
  assert.equal(r.json.name, 'game-server-1');
  assert.equal(r.json.expiresAt, undefined);
  assert.equal(r.json.secretAccessKey, undefined);
});

test('@smithy/signature-v4: signed POST with a JSON body and a query', async () => {
  const r = await send(server, await smithySign(server, creds, {
    method: 'POST', path: IDENTITY, query: { a: 'x y', b: 'ሴ/+' }, body: BODY,
    headers: { 'content-type': 'application/json' },
  }));
  assertAccepted(r);
});

test('aws4: signed GET with a query and POST with a body', async () => {
  assertAccepted(await send(server, aws4Sign(server, creds, { path: `${IDENTITY}?z=1&a=%20b` })));
  assertAccepted(await send(server, aws4Sign(server, creds, {
    method: 'POST', path: IDENTITY, body: BODY, headers: { 'Content-Type': 'application/json' },
  })));
});

test('temporary credentials with their session token, from both signers', async () => {
  const a = await send(server, await smithySign(server, temporary, {
    method: 'POST', path: IDENTITY, body: BODY, headers: { 'content-type': 'application/json' },
  }));
  assertAccepted(a, temporary);
  assert.match(a.json.expiresAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assertAccepted(await send(server, aws4Sign(server, temporary, {
    method: 'POST', path: IDENTITY, body: BODY, headers: { 'Content-Type': 'application/json' },
  })), temporary);
});

test('presigned URLs from both signers, with and without a session token', async () => {
  assertAccepted(await send(server, await smithyPresign(server, creds, { path: IDENTITY })));
  assertAccepted(await send(server, await smithyPresign(server, temporary, {
    path: IDENTITY, query: { x: '1' },
  })), temporary);
  assertAccepted(await send(server, aws4Presign(server, creds, { path: IDENTITY })));
  assertAccepted(await send(server, aws4Presign(server, temporary, { path: `${IDENTITY}?x=1` })),
    temporary);
});

// --- Refusals, end to end ------------------------------------------------------------------

test('no signature at all: MissingAuthenticationToken', async () => {
  assertRefused(await send(server, { path: IDENTITY, headers: { host: 'x' } }),
    'MissingAuthenticationToken');
});

test('malformed Authorization header: IncompleteSignature', async () => {
  const signed = await smithySign(server, creds, { path: IDENTITY });
  signed.headers.authorization = signed.headers.authorization.replace('SignedHeaders=', 'Signed=');
  assertRefused(await send(server, signed), 'IncompleteSignature');
  assertRefused(await send(server, { path: IDENTITY, headers: { authorization: 'Bearer x' } }),
    'IncompleteSignature');
});

test('stale and future dates: RequestExpired', async () => {
  for (const offset of [-20 * 60 * 1000, 20 * 60 * 1000]) {
    const signingDate = new Date(Date.now() + offset);
    assertRefused(await send(server, await smithySign(server, creds, { path: IDENTITY, signingDate })),
      'RequestExpired');
  }
});

test('wrong secret: SignatureDoesNotMatch', async () => {
  const wrong = { ...creds, secretAccessKey: creds.secretAccessKey.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')) };
  assertRefused(await send(server, await smithySign(server, wrong, { path: IDENTITY })),
    'SignatureDoesNotMatch');
});

test('body changed after signing: refused by both signers', async () => {
  const smithy = await smithySign(server, creds, {
    method: 'POST', path: IDENTITY, body: BODY, headers: { 'content-type': 'application/json' },
  });
  smithy.body = BODY.replace('p1', 'p2');
  // @smithy/signature-v4 sends x-amz-content-sha256, which no longer matches the body.
  assertRefused(await send(server, smithy), 'InvalidSignatureException');
  const signed = aws4Sign(server, creds, {
    method: 'POST', path: IDENTITY, body: BODY, headers: { 'Content-Type': 'application/json' },
  });
  signed.body = BODY.replace('p1', 'p2');
  assertRefused(await send(server, signed), 'SignatureDoesNotMatch');
});

test('method, path (base path included) or query changed after signing', async () => {
  const post = await smithySign(server, creds, { method: 'POST', path: IDENTITY, body: '' });
  assertRefused(await send(server, { ...post, method: 'GET' }), 'SignatureDoesNotMatch');
  const other = await smithySign(server, creds, { path: '/prod/identity/game-server' });
  assertRefused(await send(server, { ...other, path: IDENTITY }), 'SignatureDoesNotMatch');
  const q = aws4Sign(server, creds, { path: `${IDENTITY}?a=1` });
  assertRefused(await send(server, { ...q, path: `${IDENTITY}?a=2` }), 'SignatureDoesNotMatch');
});

test('x-amz-* header added after signing: InvalidSignatureException', async () => {
  const signed = await smithySign(server, creds, { path: IDENTITY });
  signed.headers['x-amz-meta-extra'] = '1';
  assertRefused(await send(server, signed), 'InvalidSignatureException');
});

test('host left unsigned: IncompleteSignature', async () => {
  const request = {
    method: 'GET', protocol: 'http:', hostname: '127.0.0.1', port: server.port, path: IDENTITY,
    headers: { host: `127.0.0.1:${server.port}` },
  };
  const { SignatureV4 } = await import('@smithy/signature-v4');
  const { Sha256 } = await import('@aws-crypto/sha256-js');
  const signer = new SignatureV4({
    service: 'execute-api', region: creds.region, sha256: Sha256, credentials: creds,
  });
  const signed = await signer.sign(request, { unsignableHeaders: new Set(['host']) });
  assertRefused(await send(server, { path: IDENTITY, headers: signed.headers }),
    'IncompleteSignature');
});

test('unknown access key: UnrecognizedClientException', async () => {
  const unknown = { ...creds, accessKeyId: 'AKIAAAAAAAAAAAAAAAAA' };
  assertRefused(await send(server, await smithySign(server, unknown, { path: IDENTITY })),
    'UnrecognizedClientException');
});

test('wrong or missing session token: UnrecognizedClientException', async () => {
  const wrong = { ...temporary, sessionToken: temporary.sessionToken.slice(0, -4) + 'AAAA' };
  assertRefused(await send(server, await smithySign(server, wrong, { path: IDENTITY })),
    'UnrecognizedClientException');
  const missing = { ...temporary, sessionToken: undefined };
  assertRefused(await send(server, await smithySign(server, missing, { path: IDENTITY })),
    'UnrecognizedClientException');
});

test('wrong region or service: InvalidSignatureException', async () => {
  assertRefused(await send(server, await smithySign(server, creds,
    { path: IDENTITY, region: 'us-east-1' })), 'InvalidSignatureException');
  assertRefused(await send(server, aws4Sign(server, creds, { path: IDENTITY, service: 'lambda' })),
    'InvalidSignatureException');
});

test('UNSIGNED-PAYLOAD is refused by default', async () => {
  const signed = await smithySign(server, creds, {
    method: 'POST', path: IDENTITY, body: BODY,
    headers: { 'content-type': 'application/json', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
  });
  assertRefused(await send(server, signed), 'InvalidSignatureException');
});

test('expired presigned URL: RequestExpired', async () => {
  const signingDate = new Date(Date.now() - 10 * 60 * 1000);
  assertRefused(await send(server, await smithyPresign(server, creds,
    { path: IDENTITY, expiresIn: 60, signingDate })), 'RequestExpired');
});

test('expired temporary credentials: ExpiredToken', async () => {
  const short = await createCredential(server, 'short-lived', ['--temporary', '--expires-in', '2s']);
  secrets.push(short.secretAccessKey, short.sessionToken);
  await waitUntilKnown(server, short, BASE);
  await new Promise((resolve) => setTimeout(resolve, 2100));
  assertRefused(await send(server, await smithySign(server, short, { path: IDENTITY })),
    'ExpiredToken');
});

test('a credential limited to other routes: AccessDeniedException', async () => {
  const limited = await createCredential(server, 'summaries-only',
    ['--routes', 'POST /session-summary']);
  secrets.push(limited.secretAccessKey);
  const deadline = Date.now() + 5000;
  let r;
  do {
    r = await send(server, await smithySign(server, limited, { path: IDENTITY }));
    if (reasonOf(r) !== 'UnrecognizedClientException') break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  } while (Date.now() < deadline);
  assertRefused(r, 'AccessDeniedException');
});

test('credentials revoke takes effect on the running service', async () => {
  const doomed = await createCredential(server, 'doomed');
  secrets.push(doomed.secretAccessKey);
  await waitUntilKnown(server, doomed, BASE);
  await revokeCredential(server, doomed.accessKeyId);
  const deadline = Date.now() + 5000;
  let r;
  do {
    r = await send(server, await smithySign(server, doomed, { path: IDENTITY }));
    if (r.status === 403) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  } while (Date.now() < deadline);
  assertRefused(r, 'UnrecognizedClientException');
  // The others are untouched.
  assertAccepted(await send(server, await smithySign(server, creds, { path: IDENTITY })));
});
