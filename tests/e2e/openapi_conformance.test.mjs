// Every route of the real binary, driven with good and bad requests, each answer checked
// against docs/openapi.yaml (lib/openapi.mjs): status documented, content type, body schema,
// required headers. The last test requires every documented operation to have answered at
// least one success, so a route added to the service or the document without the other shows.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startServer, runCli, tempFile } from './lib/server.mjs';
import { createCredential, send, smithySign, waitUntilKnown } from './lib/sigv4.mjs';
import { checkResponse, coverage, document, operations } from './lib/openapi.mjs';
import YAML from 'yaml';
import { readFileSync } from 'node:fs';
import { DOCUMENT_PATH } from './lib/openapi.mjs';

const METRICS_TOKEN = 'metrics-secret-for-tests';
const MAX_BODY = 4096;

const RULES = {
  name: 'one-against-one',
  ruleLanguageVersion: '1.0',
  playerAttributes: [
    { name: 'skill', type: 'number', default: 10 },
    { name: 'region', type: 'string', default: 'eu-west-1' },
  ],
  teams: [
    { name: 'red', minPlayers: 1, maxPlayers: 1 },
    { name: 'blue', minPlayers: 1, maxPlayers: 1 },
  ],
};

const configurations = tempFile('configurations.json', JSON.stringify({
  configurations: [
    { name: 'duel', ruleSetBody: RULES, requestTimeoutSeconds: 60 },
    { name: 'accepting', ruleSetBody: RULES, requestTimeoutSeconds: 60, acceptanceRequired: true,
      acceptanceTimeoutSeconds: 30 },
    { name: 'placed', ruleSetBody: RULES, requestTimeoutSeconds: 60, flexMatchMode: 'WITH_QUEUE' },
  ],
}));

let server;
let creds;
const tokens = new Map();
// Operations this build does not serve yet (answered 404 NOT_FOUND as an unknown path).
const notServed = new Set();

before(async () => {
  server = await startServer({
    config: [
      'matchmaking_configuration_name = "duel"',
      '[server]', `max_body_bytes = ${MAX_BODY}`, `metrics_token = "${METRICS_TOKEN}"`,
      '[matchmaking]', `configurations_file = ${JSON.stringify(configurations)}`,
    ].join('\n'),
  });
  creds = await createCredential(server, 'game-server-1');
  await waitUntilKnown(server, creds);
});

after(async () => {
  const { code } = await server.stop();
  assert.equal(code, 0);
});

async function token(player) {
  if (!tokens.has(player)) {
    const r = await runCli(['token', '--player', player, '--data-dir', path.join(server.dir, 'data'),
      '--config', path.join(server.dir, 'config.toml')]);
    assert.equal(r.code, 0, r.stderr);
    tokens.set(player, r.stdout.trim());
  }
  return tokens.get(player);
}

// One request, checked against the document. `as`: a player name (bearer token), `raw`: the
// Authorization value as given, `signed`: SigV4 with the test credential; `check: false` for
// probes that are not checked.
async function call(method, p, { as, raw, signed, body, headers = {}, check = true, key = creds } = {}) {
  const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const h = { ...headers };
  if (text !== undefined && !h['content-type']) h['content-type'] = 'application/json';
  let res;
  if (signed) {
    const [pathOnly, query = ''] = p.split('?');
    const q = Object.fromEntries(new URLSearchParams(query));
    res = await send(server, await smithySign(server, key,
      { method, path: pathOnly, query: q, headers: h, body: text }));
  } else {
    if (as) h.authorization = `Bearer ${await token(as)}`;
    if (raw !== undefined) h.authorization = raw;
    const r = await server.fetch(p, { method, headers: h, body: text });
    res = { status: r.status, headers: r.headers, text: await r.text() };
  }
  if (!check) {
    let json = null;
    try { json = JSON.parse(res.text); } catch { /* not JSON */ }
    return { ...res, json };
  }
  const parsed = checkResponse(method, p, res.status, res.headers, res.text);
  return { status: res.status, headers: res.headers, text: res.text, json: parsed };
}

const header = (res, name) =>
  typeof res.headers.get === 'function' ? res.headers.get(name) : res.headers[name];

async function waitForStatus(player, ticketId, status) {
  for (let i = 0; i < 200; i++) {
    const r = await call('GET', `/matchmaking/status/${ticketId}`, { as: player });
    assert.equal(r.status, 200, r.text);
    if (r.json.status === status) return r;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  assert.fail(`ticket ${ticketId} never reached ${status}`);
}

// call() for a route that may not be served yet: null when the service does not know it
// (404 NOT_FOUND, as for an unknown path) though the document describes it, which is listed
// as not served instead of failing; else the checked answer.
async function probe(method, template, p, opts) {
  const r = await call(method, p, { ...opts, check: false });
  if (r.status === 404 && r.json?.error === 'NOT_FOUND') {
    notServed.add(`${method} ${template}`);
    return null;
  }
  return { ...r, json: checkResponse(method, p, r.status, r.headers, r.text) };
}

test('health, metrics and the document itself', async () => {
  assert.equal((await call('GET', '/health/live')).status, 200);
  assert.equal((await call('GET', '/health/ready')).status, 200);
  assert.equal((await call('GET', '/metrics')).status, 401);
  assert.equal((await call('GET', '/metrics', { raw: 'Bearer wrong' })).status, 401);
  const metrics = await call('GET', '/metrics', { raw: `Bearer ${METRICS_TOKEN}` });
  assert.equal(metrics.status, 200);
  assert.match(metrics.text, /^# (HELP|TYPE) /m);

  const doc = await call('GET', '/openapi.json');
  assert.equal(doc.status, 200);
  // The served JSON is the YAML document, value for value, but for `servers`: the service
  // it was loaded from.
  const yaml = YAML.parse(readFileSync(DOCUMENT_PATH, 'utf8'));
  assert.deepEqual(doc.json.servers, [{ url: '/', description: 'The service this document came from.' }]);
  assert.deepEqual({ ...doc.json, servers: yaml.servers }, yaml);
  const etag = header(doc, 'etag');
  assert.match(etag, /^"[^"]+"$/);
  const again = await call('GET', '/openapi.json', { headers: { 'if-none-match': etag } });
  assert.equal(again.status, 304);
  assert.equal(again.text, '');
  const stale = await call('GET', '/openapi.json', { headers: { 'if-none-match': '"stale"' } });
  assert.equal(stale.status, 200);
  const head = await call('HEAD', '/openapi.json');
  assert.equal(head.status, 200);
  assert.equal(head.text, '');

  const jwks = await call('GET', '/.well-known/jwks.json');
  assert.equal(jwks.status, 200);
  assert.ok(jwks.json.keys.length >= 1);
});

test('under a base path the document names it as its server', async (t) => {
  const staged = await startServer({ t, config: '[server]\nbase_path = "/dev"' });
  const res = await staged.fetch('/dev/openapi.json');
  const json = checkResponse('GET', '/openapi.json', res.status, res.headers, await res.text());
  assert.equal(res.status, 200);
  assert.equal(json.servers[0].url, '/dev');
  assert.equal((await staged.fetch('/openapi.json')).status, 404);
  await staged.stop();
});

test('unknown paths are 404 and unknown methods 405 with Allow', async () => {
  assert.equal((await call('GET', '/no/such/route')).status, 404);
  assert.equal((await call('PUT', '/matchmaking/start', { as: 'alice', body: {} })).status, 405);
  assert.equal((await call('POST', '/health/live', { body: {} })).status, 405);
  assert.equal((await call('DELETE', '/openapi.json')).status, 405);
  assert.equal((await call('GET', '/session-summary')).status, 405);
});

test('player identity: raw and Bearer tokens, 401 without', async () => {
  const bearer = await call('GET', '/identity/player', { as: 'alice' });
  assert.equal(bearer.status, 200);
  assert.equal(bearer.json.playerId, 'alice');
  const rawToken = await call('GET', '/identity/player', { raw: await token('alice') });
  assert.equal(rawToken.status, 200);
  const none = await call('GET', '/identity/player');
  assert.equal(none.status, 401);
  assert.ok(header(none, 'www-authenticate'));
  assert.equal((await call('GET', '/identity/player', { raw: 'Bearer not.a.jwt' })).status, 401);
});

test('game-server identity: signed GET and POST, 403 unsigned', async () => {
  assert.equal((await call('GET', '/identity/game-server', { signed: true })).status, 200);
  const post = await call('POST', '/identity/game-server', { signed: true, body: { hello: 1 } });
  assert.equal(post.status, 200);
  assert.equal(post.json.accessKeyId, creds.accessKeyId);
  assert.equal((await call('GET', '/identity/game-server')).status, 403);
  assert.equal((await call('POST', '/identity/game-server', { body: {} })).status, 403);
  const forged = await call('GET', '/identity/game-server', {
    raw: `AWS4-HMAC-SHA256 Credential=${creds.accessKeyId}/20260101/eu-west-1/execute-api/aws4_request, SignedHeaders=host, Signature=00`,
  });
  assert.equal(forged.status, 403);
});

test('matchmaking: a match from start to COMPLETED, then cancel', async () => {
  const start = (player, extra = {}) => call('POST', '/matchmaking/start', {
    as: player, body: { playerId: player, playerAttributes: { skill: 10, region: 'eu-west-1' }, ...extra },
  });
  const a = await start('ann');
  assert.equal(a.status, 200);
  assert.equal(a.json.status, 'QUEUED');
  await waitForStatus('ann', a.json.ticketId, 'SEARCHING');
  const b = await start('ben', { playerAttributes: { skill: { N: 12 }, latencyInMs: { 'eu-west-1': 40 } } });
  assert.equal(b.status, 200);
  const done = await waitForStatus('ann', a.json.ticketId, 'COMPLETED');
  assert.ok(done.json.gameSessionConnectionInfo);
  const polled = await call('GET', `/matchmaking/status/${a.json.ticketId}?waitSeconds=1&knownStatus=SEARCHING`, { as: 'ann' });
  assert.equal(polled.status, 200);

  const cancelDone = await call('DELETE', `/matchmaking/cancel/${a.json.ticketId}`, { as: 'ann' });
  assert.equal(cancelDone.status, 200);
  assert.equal(cancelDone.json.note, 'Ticket already ended');

  const c = await start('cid');
  const cancelled = await call('DELETE', `/matchmaking/cancel/${c.json.ticketId}`, { as: 'cid' });
  assert.equal(cancelled.status, 200);
  assert.equal(cancelled.json.status, 'CANCELLED');
});

test('matchmaking: bad requests', async () => {
  const startAs = (player, body, opts = {}) =>
    call('POST', '/matchmaking/start', { as: player, body, ...opts });
  assert.equal((await startAs('dan', '{"playerId": ')).status, 400);
  assert.equal((await startAs('dan', { playerId: 'dan', playerAttributes: { skill: 'high' } })).status, 400);
  assert.equal((await startAs('dan', { playerId: 'dan', configurationName: 'nope' })).status, 400);
  assert.equal((await startAs('dan', { playerId: 'dan', players: [] })).status, 400);
  assert.equal((await startAs('dan', { playerId: 'someone-else' })).status, 403);
  assert.equal((await call('POST', '/matchmaking/start', { body: { playerId: 'dan' } })).status, 401);
  assert.equal((await call('POST', '/matchmaking/start', { raw: 'Bearer x.y.z', body: {} })).status, 401);
  const big = { playerId: 'dan', padding: 'x'.repeat(MAX_BODY * 2) };
  assert.equal((await startAs('dan', big)).status, 413);

  const mine = await startAs('eve', { playerId: 'eve', ticketId: 'conformance-shared-id' });
  assert.equal(mine.status, 200);
  assert.equal((await startAs('fay', { playerId: 'fay', ticketId: 'conformance-shared-id' })).status, 409);

  assert.equal((await call('GET', '/matchmaking/status/unknown-ticket', { as: 'dan' })).status, 404);
  assert.equal((await call('GET', `/matchmaking/status/${mine.json.ticketId}`, { as: 'dan' })).status, 404);
  assert.equal((await call('GET', `/matchmaking/status/${mine.json.ticketId}?waitSeconds=soon`, { as: 'eve' })).status, 400);
  assert.equal((await call('GET', '/matchmaking/status/x')).status, 401);
  assert.equal((await call('DELETE', '/matchmaking/cancel/unknown-ticket', { as: 'dan' })).status, 404);
  assert.equal((await call('DELETE', '/matchmaking/cancel/x')).status, 401);
  const accept = (player, id, type) =>
    call('POST', `/matchmaking/accept/${id}`, { as: player, body: { acceptanceType: type } });
  assert.equal((await accept('eve', mine.json.ticketId, 'MAYBE')).status, 400);
  assert.equal((await accept('dan', 'unknown-ticket', 'ACCEPT')).status, 404);
  const notWaiting = await accept('eve', mine.json.ticketId, 'ACCEPT');
  assert.ok([409, 400].includes(notWaiting.status), notWaiting.text);
});

test('matchmaking: acceptance, both players accept', async () => {
  const start = (player) => call('POST', '/matchmaking/start', {
    as: player, body: { playerId: player, configurationName: 'accepting' },
  });
  const a = await start('gil');
  const b = await start('hal');
  assert.equal(a.status, 200);
  assert.equal(b.status, 200);
  await waitForStatus('gil', a.json.ticketId, 'REQUIRES_ACCEPTANCE');
  const ok1 = await call('POST', `/matchmaking/accept/${a.json.ticketId}`, { as: 'gil', body: { acceptanceType: 'ACCEPT' } });
  assert.equal(ok1.status, 200);
  const ok2 = await call('POST', `/matchmaking/accept/${b.json.ticketId}`, { as: 'hal', body: { acceptanceType: 'ACCEPT' } });
  assert.equal(ok2.status, 200);
  await waitForStatus('gil', a.json.ticketId, 'COMPLETED');
});

test('matchmaking: the per-player rate limit answers 429 with Retry-After', async () => {
  // Batches faster than the bucket refills (10/s after a burst of 20), however slow the build.
  const answers = [];
  for (let batch = 0; batch < 20 && !answers.some((r) => r.status === 429); batch++) {
    answers.push(...await Promise.all(Array.from({ length: 30 }, () =>
      call('GET', '/matchmaking/status/unknown-ticket', { as: 'ivy' }))));
  }
  const limited = answers.filter((r) => r.status === 429);
  assert.ok(limited.length > 0, 'some requests are limited');
  assert.ok(Number(header(limited[0], 'retry-after')) >= 1);
  assert.ok(answers.every((r) => r.status === 429 || r.status === 404));
});

test('matchmaking events: a server-sent event stream of the caller\'s tickets', async () => {
  const template = '/matchmaking/events';
  const h = { authorization: `Bearer ${await token('jon')}` };
  const controller = new AbortController();
  const res = await server.fetch(template, { headers: h, signal: controller.signal });
  if (res.status === 404) {
    const text = await res.text();
    if (JSON.parse(text).error === 'NOT_FOUND') {
      notServed.add(`GET ${template}`);
      return;
    }
  }
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/event-stream/);
  const started = await call('POST', '/matchmaking/start', { as: 'jon', body: { playerId: 'jon' } });
  assert.equal(started.status, 200);
  let text = '';
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  const deadline = Date.now() + 5000;
  while (!/(^|\n)data:.*\n\n/.test(text) && Date.now() < deadline) {
    const { value, done } = await Promise.race([
      reader.read(),
      new Promise((resolve) => setTimeout(() => resolve({ value: undefined, done: false }), 200)),
    ]);
    if (done) break;
    if (value) text += decoder.decode(value, { stream: true });
  }
  controller.abort();
  // Only whole events: the stream is cut wherever the reading stopped.
  const whole = text.slice(0, text.lastIndexOf('\n\n') + 2);
  const events = checkResponse('GET', template, res.status, res.headers, whole);
  assert.ok(events.length >= 1, `an event arrived: ${text}`);
  assert.ok(events.every((e) => JSON.parse(e.data).detail.tickets.some((t) => t.ticketId === started.json.ticketId)));
  assert.equal((await call('GET', template)).status, 401);

  // A player holds a few streams at once; beyond that, 429 with Retry-After.
  const held = [];
  let refused = null;
  for (let i = 0; i < 10 && !refused; i++) {
    const c = new AbortController();
    const r = await server.fetch(template, { headers: { authorization: `Bearer ${await token('kay')}` }, signal: c.signal });
    if (r.status === 200) {
      held.push(c);
    } else {
      refused = { status: r.status, headers: r.headers, text: await r.text() };
      c.abort();
    }
  }
  for (const c of held) c.abort();
  assert.ok(refused, 'the number of streams per player is bounded');
  assert.equal(refused.status, 429);
  checkResponse('GET', template, refused.status, refused.headers, refused.text);
});

test('session summaries: recorded, replayed, refused', async () => {
  const summary = { playerId: 'kim', sessionId: '0123456789abcdef0123456789abcdef',
    rewards: ['first_objective_complete'], endTime: new Date().toISOString() };
  const first = await call('POST', '/session-summary', { signed: true, body: summary });
  assert.equal(first.status, 200);
  assert.equal((await call('POST', '/session-summary', { signed: true, body: summary })).status, 200);
  const different = { ...summary, rewards: ['team_victory'] };
  assert.equal((await call('POST', '/session-summary', { signed: true, body: different })).status, 409);
  assert.equal((await call('POST', '/session-summary', { signed: true, body: { playerId: 'kim' } })).status, 400);
  assert.equal((await call('POST', '/session-summary', { signed: true, body: '[1,' })).status, 400);
  assert.equal((await call('POST', '/session-summary', { body: summary })).status, 403);
  const big = { ...summary, padding: 'x'.repeat(MAX_BODY * 2) };
  assert.equal((await call('POST', '/session-summary', { body: big })).status, 413);
});

test('players: own rewards and sessions only', async () => {
  await call('POST', '/session-summary', { signed: true,
    body: { playerId: 'lea', sessionId: 'aaaa', rewards: ['session_complete'] } });
  const rewards = await call('GET', '/players/lea/rewards', { as: 'lea' });
  assert.equal(rewards.status, 200);
  assert.equal(rewards.json.rewards.length, 1);
  const sessions = await call('GET', '/players/lea/sessions?limit=1', { as: 'lea' });
  assert.equal(sessions.status, 200);
  assert.equal(sessions.json.sessions.length, 1);
  assert.equal((await call('GET', '/players/lea/sessions?limit=0', { as: 'lea' })).status, 400);
  assert.equal((await call('GET', '/players/lea/rewards', { as: 'max' })).status, 403);
  assert.equal((await call('GET', '/players/lea/sessions', { as: 'max' })).status, 403);
  assert.equal((await call('GET', '/players/lea/rewards')).status, 401);
  assert.equal((await call('GET', '/players/lea/sessions')).status, 401);
});

test('game servers: register, heartbeat, poll, deregister', async () => {
  const registered = await probe('POST', '/game-servers', '/game-servers', { signed: true, body: {
    gameServerId: 'conformance-1', ipAddress: '127.0.0.1', port: 7777, location: 'eu-west-1',
    maxPlayers: 4,
  } });
  if (!registered) {
    for (const op of operations()) {
      if (/ \/game-(servers|sessions)/.test(op)) notServed.add(op);
    }
    return;
  }
  assert.equal(registered.status, 200);
  assert.equal(registered.json.gameServerId, 'conformance-1');
  assert.equal((await call('POST', '/game-servers', { signed: true, body: { ipAddress: '127.0.0.1' } })).status, 400);
  assert.equal((await call('POST', '/game-servers', { body: {} })).status, 403);
  const beat = await call('POST', '/game-servers/conformance-1/heartbeat', { signed: true, body: { playerCount: 0, health: 'HEALTHY' } });
  assert.equal(beat.status, 200);
  assert.equal((await call('POST', '/game-servers/unknown-server/heartbeat', { signed: true, body: {} })).status, 404);
  // Each server acts for itself only: another key is refused.
  const otherKey = await createCredential(server, 'game-server-2');
  await waitUntilKnown(server, otherKey);
  const foreign = await call('POST', '/game-servers/conformance-1/heartbeat', { signed: true, key: otherKey, body: {} });
  assert.equal(foreign.status, 403);
  const none = await call('GET', '/game-servers/conformance-1/game-session?waitSeconds=0', { signed: true });
  assert.equal(none.status, 200);
  assert.equal(none.json.gameSession, null);

  // A match of the WITH_QUEUE configuration is placed on the server.
  const a = await call('POST', '/matchmaking/start', { as: 'ned', body: { playerId: 'ned', configurationName: 'placed' } });
  const b = await call('POST', '/matchmaking/start', { as: 'ola', body: { playerId: 'ola', configurationName: 'placed' } });
  assert.equal(a.status, 200);
  assert.equal(b.status, 200);
  let placed = null;
  for (let i = 0; i < 10 && !placed; i++) {
    const r = await call('GET', '/game-servers/conformance-1/game-session?waitSeconds=1', { signed: true });
    assert.equal(r.status, 200);
    placed = r.json.gameSession;
  }
  assert.ok(placed, 'the match was placed on the server');
  const gs = `/game-sessions/${placed.gameSessionId}`;
  assert.equal((await call('GET', gs, { signed: true })).status, 200);
  assert.equal((await call('GET', `${gs}?waitSeconds=0&knownVersion=${placed.version}`, { signed: true })).status, 200);
  const [first, second] = placed.playerSessions;
  const acceptPs = (ps) => call('POST', `${gs}/player-sessions/${ps.playerSessionId}/accept`, { signed: true });
  assert.equal((await acceptPs(first)).status, 200);
  assert.equal((await acceptPs(first)).status, 409);
  assert.equal((await call('POST', `${gs}/player-sessions/psess-unknown/accept`, { signed: true })).status, 404);
  assert.equal((await call('POST', `${gs}/activate`, { signed: true })).status, 200);
  const done = await waitForStatus('ned', a.json.ticketId, 'COMPLETED');
  assert.equal(done.json.gameSessionConnectionInfo.port, 7777);
  assert.equal((await acceptPs(second)).status, 200);
  const left = await call('DELETE', `${gs}/player-sessions/${second.playerSessionId}`, { signed: true });
  assert.equal(left.status, 200);
  assert.equal((await call('DELETE', `${gs}/player-sessions/psess-unknown`, { signed: true })).status, 404);

  const backfill = await probe('POST', '/game-sessions/{gameSessionId}/backfill', `${gs}/backfill`,
    { signed: true, body: {} });
  if (backfill) {
    assert.equal(backfill.status, 200, backfill.text);
    assert.equal((await call('POST', `${gs}/backfill`, { signed: true, body: {} })).status, 409);
    assert.equal((await call('POST', '/game-sessions/gsess-unknown/backfill', { signed: true, body: {} })).status, 404);
    const stopped = await call('DELETE', `${gs}/backfill/${backfill.json.ticketId}`, { signed: true });
    assert.equal(stopped.status, 200);
  } else {
    notServed.add('DELETE /game-sessions/{gameSessionId}/backfill/{ticketId}');
  }
  assert.equal((await call('POST', `${gs}/end`, { signed: true })).status, 200);
  const late = await call('POST', `${gs}/activate`, { signed: true });
  assert.equal(late.status, 409);
  assert.equal(late.json.error, 'GAME_SESSION_TERMINATED');

  for (const p of ['/game-sessions/gsess-unknown', '/game-sessions/gsess-unknown/activate',
    '/game-sessions/gsess-unknown/end']) {
    assert.equal((await call(p.endsWith('unknown') ? 'GET' : 'POST', p, { signed: true })).status, 404);
  }
  assert.equal((await call('DELETE', '/game-servers/conformance-1', { signed: true })).status, 200);
  assert.equal((await call('DELETE', '/game-servers/conformance-1', { signed: true })).status, 404);
});

test('every documented operation answered a success here', () => {
  const missing = operations().filter((op) => {
    if (notServed.has(op)) return false;
    const statuses = coverage().get(op);
    return !statuses || ![...statuses].some((s) => s >= 200 && s < 400);
  });
  assert.deepEqual(missing, [], 'operations never answered 2xx/3xx in this file');
  if (notServed.size) {
    // Routes described ahead of the code: reported, not failed.
    console.log(`# documented, not served by this build: ${[...notServed].join(', ')}`);
  }
  assert.ok(document.openapi.startsWith('3.1'));
});
