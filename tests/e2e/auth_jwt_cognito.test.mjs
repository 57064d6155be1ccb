// Real Cognito-compatible tokens: a user pool in cognito-local, created and logged into with
// the AWS SDK (InitiateAuth, USER_PASSWORD_AUTH); both the ID and the access token against the
// service configured with that issuer and its JWKS URL.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { SignJWT, generateKeyPair } from 'jose';
import { startServer } from './lib/server.mjs';
import { startCognitoLocal } from './lib/cognito_local.mjs';

const USER = 'alice@example.com';
const PASSWORD = 'Corr3ct-Horse-Battery';

let cognito;
let pool;
let tokens;
let jwksProxy;
let jwksFetches = 0;

// Forwards JWKS requests to cognito-local and counts them, to observe the refetch policy.
function startJwksProxy(target) {
  return new Promise((resolve) => {
    const srv = http.createServer(async (req, res) => {
      jwksFetches += 1;
      try {
        const upstream = await fetch(target);
        res.writeHead(upstream.status, { 'content-type': 'application/json' });
        res.end(await upstream.text());
      } catch {
        res.writeHead(502);
        res.end();
      }
    });
    srv.listen(0, '127.0.0.1', () => resolve(srv));
  });
}

before(async () => {
  cognito = await startCognitoLocal();
  pool = await cognito.createPoolWithUser({ username: USER, password: PASSWORD, groups: ['players'] });
  tokens = await cognito.login({ clientId: pool.clientId, username: USER, password: PASSWORD });
  jwksProxy = await startJwksProxy(`${cognito.issuer(pool.poolId)}/.well-known/jwks.json`);
});

after(async () => {
  jwksProxy.close();
  await cognito.stop().catch(() => {});
});

function authConfig(extra = '') {
  return `[auth]\nissuer = "${cognito.issuer(pool.poolId)}"\nclient_ids = ["${pool.clientId}"]\n${extra}`;
}

async function whoAmI(server, token) {
  const res = await server.fetch('/identity/player', { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: await res.json() };
}

test('ID and access tokens from cognito-local are accepted with token_use = "both"', async (t) => {
  // jwks_url left out: {issuer}/.well-known/jwks.json, which cognito-local serves.
  const server = await startServer({ t, config: authConfig('token_use = "both"\n') });
  const id = await whoAmI(server, tokens.idToken);
  assert.equal(id.status, 200, JSON.stringify(id.body));
  assert.equal(id.body.playerId, pool.sub);
  assert.equal(id.body.tokenUse, 'id');
  assert.deepEqual(id.body.groups, ['players']);
  const access = await whoAmI(server, tokens.accessToken);
  assert.equal(access.status, 200, JSON.stringify(access.body));
  assert.equal(access.body.playerId, pool.sub);
  assert.equal(access.body.tokenUse, 'access');
  const raw = await server.fetch('/identity/player', { headers: { authorization: tokens.idToken } });
  assert.equal(raw.status, 200);
  assert.ok(server.logs().some((l) => /EXTERNAL ISSUER/.test(l.message)));
  assert.equal((await server.fetch('/.well-known/jwks.json')).status, 404);
  await server.stop();
});

test('by default only ID tokens are accepted, as the game client sends', async (t) => {
  const server = await startServer({ t, config: authConfig() });
  assert.equal((await whoAmI(server, tokens.idToken)).status, 200);
  const access = await whoAmI(server, tokens.accessToken);
  assert.equal(access.status, 401);
  assert.equal(access.body.message, 'wrong token_use');
  await server.stop();
});

test('access tokens only: ID tokens are refused', async (t) => {
  const server = await startServer({ t, config: authConfig('token_use = "access"\n') });
  assert.equal((await whoAmI(server, tokens.accessToken)).status, 200);
  assert.equal((await whoAmI(server, tokens.idToken)).body.message, 'wrong token_use');
  await server.stop();
});

test('a client id that is not configured is refused for both token kinds', async (t) => {
  const server = await startServer({
    t, config: `[auth]\nissuer = "${cognito.issuer(pool.poolId)}"\nclient_ids = ["another"]\ntoken_use = "both"\n`,
  });
  assert.equal((await whoAmI(server, tokens.idToken)).body.message, 'wrong audience');
  assert.equal((await whoAmI(server, tokens.accessToken)).body.message, 'wrong client_id');
  await server.stop();
});

test('required groups and the player id claim are honoured', async (t) => {
  const server = await startServer({
    t, config: authConfig('required_groups = ["admins"]\n'),
  });
  const denied = await whoAmI(server, tokens.idToken);
  assert.equal(denied.status, 403);
  assert.equal(denied.body.error, 'FORBIDDEN');
  await server.stop();
  const byName = await startServer({ t, config: authConfig('player_id_claim = "cognito:username"\nrequired_groups = ["players"]\n') });
  const ok = await whoAmI(byName, tokens.idToken);
  assert.equal(ok.status, 200);
  assert.equal(ok.body.playerId, USER);
  await byName.stop();
});

test('a token of another pool on the same cognito-local is refused (wrong issuer)', async (t) => {
  const other = await cognito.createPoolWithUser({ username: 'bob@example.com', password: PASSWORD });
  const bob = await cognito.login({ clientId: other.clientId, username: 'bob@example.com', password: PASSWORD });
  const server = await startServer({ t, config: authConfig() });
  const res = await whoAmI(server, bob.idToken);
  assert.equal(res.status, 401);
  assert.equal(res.body.message, 'wrong issuer');
  await server.stop();
});

test('unknown kids refetch the JWKS at most once per 10 s, and cached keys outlive the issuer', async (t) => {
  const server = await startServer({
    t,
    config: authConfig(`jwks_url = "http://127.0.0.1:${jwksProxy.address().port}/jwks.json"\ntoken_cache_seconds = 0\n`),
  });
  assert.equal(jwksFetches, 1, 'one fetch at start-up');
  assert.equal((await whoAmI(server, tokens.idToken)).status, 200);
  assert.equal(jwksFetches, 1, 'known kid: no fetch');

  // Within 10 s of the start-up fetch an unknown kid does not refetch.
  const { privateKey } = await generateKeyPair('RS256');
  const forge = (kid) => new SignJWT({ sub: 'mallory', token_use: 'id', aud: pool.clientId, iss: cognito.issuer(pool.poolId) })
    .setProtectedHeader({ alg: 'RS256', kid }).setExpirationTime('1h').sign(privateKey);
  assert.equal((await whoAmI(server, await forge('early'))).body.message, 'unknown signing key');
  assert.equal(jwksFetches, 1, 'no refetch within 10 s of the last fetch');
  await new Promise((r) => setTimeout(r, 10_500));

  // Tokens naming kids the issuer never published: the first triggers one refetch, the rest
  // within 10 s find the answer already settled.
  for (let i = 0; i < 5; i++) {
    const res = await whoAmI(server, await forge(`rotated-${i}`));
    assert.equal(res.status, 401);
    assert.equal(res.body.message, 'unknown signing key');
  }
  assert.equal(jwksFetches, 2, 'one refetch for five unknown kids');

  // The issuer goes away: tokens signed with known keys still verify (no token cache here).
  await cognito.stop();
  const after = await whoAmI(server, tokens.idToken);
  assert.equal(after.status, 200);
  assert.equal(after.body.playerId, pool.sub);
  await server.stop();
});
