// An adversarial set of player tokens against the real binary, and the same set through
// aws-jwt-verify (AWS's own verifier for Cognito tokens): the service must accept exactly
// what aws-jwt-verify accepts, except for the listed cases where it is deliberately stricter.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { startServer } from './lib/server.mjs';
import { makeKeys, jwksDocument, adversarialTokens } from './lib/tokens.mjs';

const POOL = 'eu-west-1_AdvTest1';
const ISSUER = `https://cognito-idp.eu-west-1.amazonaws.com/${POOL}`;
const CLIENT = 'adv-client-1';

let server;
let dir;
let cases;
let jwks;

before(async () => {
  const keys = await makeKeys();
  jwks = await jwksDocument(keys);
  dir = mkdtempSync(path.join(tmpdir(), 'session-api-jwt-'));
  const jwksPath = path.join(dir, 'jwks.json');
  writeFileSync(jwksPath, JSON.stringify(jwks));
  cases = await adversarialTokens({ keys, issuer: ISSUER, clientId: CLIENT });
  server = await startServer({
    config: [
      '[server]', 'max_header_bytes = 65536',
      '[auth]', `issuer = "${ISSUER}"`, `jwks_file = "${jwksPath}"`,
      `client_ids = ["${CLIENT}"]`, 'clock_skew_seconds = 30', '',
    ].join('\n'),
  });
});

after(async () => {
  const logs = server.lines().join('\n');
  for (const c of cases) {
    if (c.token.length > 40) assert.ok(!logs.includes(c.token.slice(-40)), `${c.name}: token text in the log`);
  }
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function serviceVerdict(token) {
  const res = await server.fetch('/identity/player', { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  let body = {};
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: res.status, body, text, wwwAuthenticate: res.headers.get('www-authenticate') };
}

async function awsVerdict(token) {
  const verifier = CognitoJwtVerifier.create({
    userPoolId: POOL, tokenUse: 'id', clientId: CLIENT, graceSeconds: 30,
  });
  verifier.cacheJwks(jwks);
  try {
    await verifier.verify(token);
    return { accepted: true };
  } catch (e) {
    return { accepted: false, reason: `${e.constructor.name}: ${e.message}` };
  }
}

// A few reasons the service must give, to show each check fires for its own cause.
const EXPECTED_REASONS = {
  'alg none, no signature': 'malformed token: empty segment',
  'HS256 keyed with the RSA public key (PEM)': 'unsupported algorithm (RS256 only)',
  'no kid': 'token has no kid',
  'unknown kid': 'unknown signing key',
  'kid with a path': 'unknown signing key',
  'kid main, signed by an unpublished key': 'bad signature',
  'JWK with use enc': 'signing key unusable: key is not a signature key',
  'RSA-1024 key': 'signing key unusable: RSA modulus of 1024 bits is under 2048',
  'RS256 against a JWK that says RS384 (alg mismatch)': 'signing key is not for RS256',
  'expired an hour ago': 'token expired',
  'nbf an hour ahead': 'token not yet valid',
  'iat an hour ahead': 'token issued in the future',
  'wrong iss': 'wrong issuer',
  'wrong aud': 'wrong audience',
  'access token where ID tokens are required': 'wrong token_use',
  'exp missing': 'token has no exp',
  'payload swapped, signature kept': 'bad signature',
  'four segments': 'malformed token: too many segments',
  'two segments': 'malformed token: not three segments',
  'signature with = padding': 'malformed token: signature is not base64url',
  'payload is a JSON array': 'malformed token: payload: JSON is not an object',
  'duplicate sub claim': 'malformed token: payload: JSON repeats a key',
  'huge token (20 KiB of claims)': 'malformed token: too long',
  'empty token': 'missing bearer token',
};

test('the service accepts exactly what aws-jwt-verify accepts, except where it is stricter', async () => {
  assert.ok(cases.length >= 40, `only ${cases.length} tokens`);
  const rows = [];
  const stricter = [];
  const mismatches = [];
  for (const c of cases) {
    const service = await serviceVerdict(c.token);
    const aws = await awsVerdict(c.token);
    const accepted = service.status === 200;
    rows.push({ name: c.name, service: service.status, message: service.body.message ?? '', aws: aws.accepted });
    if (accepted) {
      assert.equal(service.body.playerId, 'alice', c.name);
    } else {
      assert.equal(service.status, 401, `${c.name}: ${service.text}`);
      assert.equal(service.body.error, 'UNAUTHORIZED', c.name);
      assert.equal(service.wwwAuthenticate, 'Bearer', c.name);
      assert.ok(service.body.message, c.name);
      if (c.token.length > 20) assert.ok(!service.text.includes(c.token.slice(-20)), `${c.name}: token echoed`);
    }
    if (EXPECTED_REASONS[c.name] !== undefined) {
      assert.equal(service.body.message, EXPECTED_REASONS[c.name], c.name);
    }
    const verdicts = `service ${service.status} ${service.body.message ?? ''}, aws-jwt-verify ${aws.accepted ? 'accepts' : `refuses (${aws.reason})`}`;
    if (c.stricter) {
      if (!aws.accepted || accepted) mismatches.push(`${c.name} (listed as stricter): ${verdicts}`);
      stricter.push(`${c.name}: ${c.stricter}`);
    } else if (accepted !== aws.accepted) {
      mismatches.push(`${c.name}: ${verdicts}`);
    }
  }
  assert.deepEqual(mismatches, []);
  console.log(`\n${cases.length} tokens; service vs aws-jwt-verify:`);
  for (const r of rows) {
    console.log(`  ${r.service === 200 ? 'ACCEPT' : 'refuse'} | aws ${r.aws ? 'ACCEPT' : 'refuse'} | ${r.name}${r.message ? ` (${r.message})` : ''}`);
  }
  console.log(`\nWhere the service is deliberately stricter than aws-jwt-verify (${stricter.length}):`);
  for (const s of stricter) console.log(`  - ${s}`);
  assert.ok(rows.filter((r) => r.service === 200).length >= 5, 'the baselines must pass');
});

test('both Authorization forms work, and the raw form is refused the same way when bad', async () => {
  const valid = cases.find((c) => c.name === 'valid ID token').token;
  for (const value of [valid, `Bearer ${valid}`, `bearer ${valid}`]) {
    const res = await server.fetch('/identity/player', { headers: { authorization: value } });
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.deepEqual(Object.keys(body).sort(), ['expiresAt', 'groups', 'playerId', 'tokenUse']);
    assert.equal(body.tokenUse, 'id');
  }
  const expired = cases.find((c) => c.name === 'expired an hour ago').token;
  const res = await server.fetch('/identity/player', { headers: { authorization: expired } });
  assert.equal(res.status, 401);
  assert.equal((await res.json()).message, 'token expired');
  const none = await server.fetch('/identity/player');
  assert.equal(none.status, 401);
  assert.equal(none.headers.get('www-authenticate'), 'Bearer');
  assert.deepEqual(await none.json(), { error: 'UNAUTHORIZED', message: 'missing Authorization header' });
});

test('the local issuer is off when an external issuer is configured', async () => {
  const res = await server.fetch('/.well-known/jwks.json');
  assert.equal(res.status, 404);
  assert.ok(server.logs().some((l) => /EXTERNAL ISSUER/.test(l.message) && l.issuer === ISSUER));
});
