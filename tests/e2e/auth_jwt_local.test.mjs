// The local issuer of the embedded default: a key pair in the data dir, its JWKS served by
// the service, `session-api token` printing tokens the running service accepts, and the
// player id bound to the token.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { statSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createLocalJWKSet, jwtVerify, decodeJwt, decodeProtectedHeader } from 'jose';
import { startServer, runCli } from './lib/server.mjs';

let server;
let dataDir;

before(async () => {
  server = await startServer();
  dataDir = path.join(server.dir, 'data');
});

after(async () => {
  const { code } = await server.stop();
  assert.equal(code, 0);
});

async function token(player, extra = []) {
  const out = await runCli(['token', '--player', player, '--data-dir', dataDir, ...extra]);
  assert.equal(out.code, 0, out.stderr);
  return out.stdout.trim();
}

function get(p, tok) {
  return server.fetch(p, { headers: tok ? { authorization: `Bearer ${tok}` } : {} });
}

test('the service says loudly that it runs its own issuer', () => {
  const line = server.logs().find((l) => /LOCAL ISSUER/.test(l.message));
  assert.ok(line, server.lines().join('\n'));
  assert.equal(line.level, 'WARN');
  assert.match(line.issuer, /^http:\/\/127\.0\.0\.1:\d+\/local$/);
});

test('the key pair lives in the data dir, private to its owner', () => {
  const st = statSync(path.join(dataDir, 'jwt-signing-key.pem'));
  assert.equal(st.mode & 0o777, 0o600);
  assert.match(readFileSync(path.join(dataDir, 'jwt-signing-key.pem'), 'utf8'), /BEGIN PRIVATE KEY/);
});

test('session-api token prints a Cognito-shaped ID token the running service accepts', async () => {
  const tok = await token('alice', ['--ttl', '600']);
  const claims = decodeJwt(tok);
  const header = decodeProtectedHeader(tok);
  assert.equal(header.alg, 'RS256');
  assert.ok(header.kid);
  assert.equal(claims.sub, 'alice');
  assert.equal(claims['cognito:username'], 'alice');
  assert.equal(claims.token_use, 'id');
  assert.equal(claims.aud, 'session-api-local');
  assert.equal(claims.iss, server.logs().find((l) => /LOCAL ISSUER/.test(l.message)).issuer);
  assert.ok(claims.exp - claims.iat === 600 && claims.auth_time === claims.iat);

  const res = await get('/identity/player', tok);
  assert.equal(res.status, 200);
  const who = await res.json();
  assert.equal(who.playerId, 'alice');
  assert.equal(who.tokenUse, 'id');
  assert.equal(Date.parse(who.expiresAt) / 1000, claims.exp);
});

test('the served JWKS verifies local tokens with a standard verifier (jose)', async () => {
  const res = await server.fetch('/.well-known/jwks.json');
  assert.equal(res.status, 200);
  const jwks = await res.json();
  assert.equal(jwks.keys.length, 1);
  assert.equal(jwks.keys[0].d, undefined, 'the private exponent must never be served');
  const tok = await token('carol');
  const { payload } = await jwtVerify(tok, createLocalJWKSet(jwks), {
    issuer: decodeJwt(tok).iss, audience: 'session-api-local', algorithms: ['RS256'],
  });
  assert.equal(payload.sub, 'carol');
});

test('groups given to session-api token reach the identity', async () => {
  const res = await get('/identity/player', await token('dave', ['--group', 'players', '--group', 'testers']));
  assert.deepEqual((await res.json()).groups, ['players', 'testers']);
});

test('a token for alice acting as bob is 403 FORBIDDEN', async () => {
  const alice = await token('alice');
  const body = (playerId) => JSON.stringify({ playerId, playerAttributes: { skill: 10, region: 'eu-west-1' } });
  const res = await server.fetch('/matchmaking/start', {
    method: 'POST', headers: { authorization: alice, 'content-type': 'application/json' }, body: body('bob'),
  });
  assert.equal(res.status, 403);
  const err = await res.json();
  assert.equal(err.error, 'FORBIDDEN');
  const own = await server.fetch('/matchmaking/start', {
    method: 'POST', headers: { authorization: alice, 'content-type': 'application/json' }, body: body('alice'),
  });
  assert.equal(own.status, 200, await own.text());
});

test('trust_body_player_id restores the original behaviour, with a warning', async (t) => {
  const trusting = await startServer({ t, config: '[auth]\ntrust_body_player_id = true\n' });
  const warn = trusting.logs().find((l) => /trust_body_player_id/.test(l.message));
  assert.equal(warn?.level, 'WARN');
  const tok = (await runCli(['token', '--player', 'alice', '--data-dir', path.join(trusting.dir, 'data')])).stdout.trim();
  const res = await trusting.fetch('/matchmaking/start', {
    method: 'POST', headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' },
    body: JSON.stringify({ playerId: 'bob', playerAttributes: { skill: 10 } }),
  });
  assert.equal(res.status, 200, await res.text());
  await trusting.stop();
});

test('a token from another data dir (another key) is refused', async (t) => {
  const other = await startServer({ t });
  const foreign = (await runCli(['token', '--player', 'alice', '--data-dir', path.join(other.dir, 'data')])).stdout.trim();
  await other.stop();
  const res = await get('/identity/player', foreign);
  assert.equal(res.status, 401);
  const body = await res.json();
  assert.ok(['unknown signing key', 'wrong issuer'].includes(body.message), body.message);
});

test('session-api token refuses when an external issuer is configured', async () => {
  const { tempFile } = await import('./lib/server.mjs');
  const cfg = tempFile('config.toml', '[auth]\nissuer = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_X"\n');
  const out = await runCli(['token', '--player', 'alice', '--config', cfg, '--data-dir', dataDir]);
  assert.equal(out.code, 1);
  assert.match(out.stderr, /auth\.issuer is set/);
  assert.equal(out.stdout, '');
});

test('no token reaches the log', async () => {
  const tok = await token('erin');
  await (await get('/identity/player', tok)).arrayBuffer();
  await (await get('/identity/player', `${tok}x`)).arrayBuffer();
  await new Promise((r) => setTimeout(r, 200));
  assert.ok(!server.lines().join('\n').includes(tok.split('.')[2].slice(0, 40)));
});
