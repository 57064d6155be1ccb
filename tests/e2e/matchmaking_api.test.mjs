// The matchmaking routes over HTTP against the real binary, with local-issuer tokens.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startServer, runCli, tempFile } from './lib/server.mjs';
import { playerTokens, versusRuleSet } from './lib/matchmaking.mjs';

// A 1-against-1 configuration named "duel" (the default) and a 2-against-2 "squads".
const ATTRIBUTES = [
  { name: 'skill', type: 'number', default: 10 },
  { name: 'region', type: 'string', default: 'eu-west-1' },
  { name: 'modes', type: 'string_list', default: ['ranked'] },
];
const RULES = (size) => versusRuleSet(size, ATTRIBUTES);

function configurationsFile() {
  return tempFile(
    'configurations.json',
    JSON.stringify({
      configurations: [
        { name: 'duel', ruleSetBody: RULES(1), requestTimeoutSeconds: 60 },
        { name: 'squads', ruleSetBody: RULES(2), requestTimeoutSeconds: 60 },
      ],
    }),
  );
}

async function server(t, extra = '', file = configurationsFile()) {
  const config = [
    'matchmaking_configuration_name = "duel"',
    '[matchmaking]',
    `configurations_file = ${JSON.stringify(file)}`,
    extra,
  ].join('\n');
  const s = await startServer({ t, config });
  s.token = playerTokens(s);
  s.call = async (player, method, p, body) => {
    const headers = { 'content-type': 'application/json' };
    if (player) headers.authorization = `Bearer ${await s.token(player)}`;
    const res = await s.fetch(p, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
  };
  s.start = (player, body = {}) =>
    s.call(player, 'POST', '/matchmaking/start', {
      playerId: player,
      playerAttributes: { skill: 10, region: 'eu-west-1' },
      ...body,
    });
  s.status = (player, id, query = '') => s.call(player, 'GET', `/matchmaking/status/${id}${query}`);
  s.waitFor = async (player, id, status) => {
    for (let i = 0; i < 100; i++) {
      const r = await s.status(player, id);
      if (r.body.status === status) return r;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.fail(`ticket ${id} never reached ${status}`);
  };
  return s;
}

test('a full match: start, then status COMPLETED with both key casings', async (t) => {
  const s = await server(t);
  const a = await s.start('alice');
  assert.equal(a.status, 200, JSON.stringify(a.body));
  assert.equal(typeof a.body.ticketId, 'string');
  assert.equal(a.body.status, 'QUEUED');
  assert.match(a.body.startTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.equal('estimatedWaitTime' in a.body, false, 'unknown values are omitted');
  const searching = await s.waitFor('alice', a.body.ticketId, 'SEARCHING');
  assert.equal(searching.body.startTime, a.body.startTime);

  const b = await s.start('bob');
  assert.equal(b.status, 200);
  const done = await s.waitFor('alice', a.body.ticketId, 'COMPLETED');
  assert.ok(done.body.endTime);
  assert.ok(done.body.matchId);
  const sessions = done.body.gameSessionConnectionInfo.matchedPlayerSessions;
  assert.equal(sessions.length, 1);
  assert.equal(sessions[0].playerId, 'alice');
  assert.equal(sessions[0].PlayerId, 'alice');
  assert.match(sessions[0].playerSessionId, /^psess-/);
  assert.equal(sessions[0].PlayerSessionId, sessions[0].playerSessionId);
  for (const v of Object.values(done.body)) assert.notEqual(v, null);
  const bobDone = await s.waitFor('bob', b.body.ticketId, 'COMPLETED');
  assert.equal(bobDone.body.matchId, done.body.matchId);
  // Once something matched, new tickets get an estimate.
  const c = await s.start('carol');
  assert.equal(typeof c.body.estimatedWaitTime, 'number');
});

test('a party goes to one team; the caller must be in it', async (t) => {
  const s = await server(t);
  const party = (lead, mate) => ({
    configurationName: 'squads',
    players: [
      { playerId: lead, playerAttributes: { skill: 12 } },
      { playerId: mate, playerAttributes: { skill: 8 }, latencyInMs: { 'eu-west-1': 40 } },
    ],
  });
  const p1 = await s.call('ann', 'POST', '/matchmaking/start', party('ann', 'ben'));
  assert.equal(p1.status, 200, JSON.stringify(p1.body));
  const p2 = await s.call('cat', 'POST', '/matchmaking/start', party('cat', 'dan'));
  const done = await s.waitFor('ann', p1.body.ticketId, 'COMPLETED');
  assert.equal(done.body.players[0].team, done.body.players[1].team);
  // A party member sees the ticket too.
  assert.equal((await s.status('ben', p1.body.ticketId)).status, 200);
  assert.equal((await s.status('dan', p2.body.ticketId)).body.status, 'COMPLETED');
  const outsider = await s.call('eve', 'POST', '/matchmaking/start', party('ann', 'ben'));
  assert.equal(outsider.status, 400);
});

test('cancel is idempotent and says when the ticket had already ended', async (t) => {
  const s = await server(t);
  const a = await s.start('alice');
  await s.waitFor('alice', a.body.ticketId, 'SEARCHING');
  const first = await s.call('alice', 'DELETE', `/matchmaking/cancel/${a.body.ticketId}`);
  assert.equal(first.status, 200);
  assert.deepEqual(first.body, { ticketId: a.body.ticketId, status: 'CANCELLED' });
  const again = await s.call('alice', 'DELETE', `/matchmaking/cancel/${a.body.ticketId}`);
  assert.equal(again.status, 200);
  assert.equal(again.body.status, 'CANCELLED');
  assert.equal(again.body.note, 'Ticket already ended');
  const status = await s.status('alice', a.body.ticketId);
  assert.equal(status.body.statusReason, 'CANCELLED');
  const unknown = await s.call('alice', 'DELETE', '/matchmaking/cancel/no-such-ticket');
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.error, 'TICKET_NOT_FOUND');
});

test("someone else's ticket is not found, and nobody acts for another player", async (t) => {
  const s = await server(t);
  const a = await s.start('alice');
  for (const [method, p] of [
    ['GET', `/matchmaking/status/${a.body.ticketId}`],
    ['DELETE', `/matchmaking/cancel/${a.body.ticketId}`],
  ]) {
    const r = await s.call('mallory', method, p);
    assert.equal(r.status, 404);
    assert.equal(r.body.error, 'TICKET_NOT_FOUND');
  }
  const accept = await s.call('mallory', 'POST', `/matchmaking/accept/${a.body.ticketId}`, {
    acceptanceType: 'ACCEPT',
  });
  assert.equal(accept.status, 404);
  const impersonation = await s.call('mallory', 'POST', '/matchmaking/start', {
    playerId: 'alice',
    playerAttributes: {},
  });
  assert.equal(impersonation.status, 403);
  const anonymous = await s.call(null, 'POST', '/matchmaking/start', { playerId: 'alice' });
  assert.equal(anonymous.status, 401);
  assert.equal((await s.status('alice', a.body.ticketId)).body.status, 'SEARCHING');
});

test('attribute values are typed by the rule set; wrong types name the attribute', async (t) => {
  const s = await server(t);
  const bad = await s.start('alice', { playerAttributes: { skill: 'high' } });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error, 'INVALID_REQUEST');
  assert.match(bad.body.message, /playerAttributes\.skill/);
  const list = await s.start('alice', { playerAttributes: { modes: 'ranked' } });
  assert.equal(list.status, 400);
  assert.match(list.body.message, /playerAttributes\.modes/);
  const latency = await s.start('alice', { playerAttributes: { latencyInMs: { 'eu-west-1': 'x' } } });
  assert.equal(latency.status, 400);
  assert.match(latency.body.message, /latencyInMs/);
  const gamelift = await s.start('alice', {
    playerAttributes: { skill: { N: 12 }, modes: { SL: ['casual'] }, latencyInMs: { 'eu-west-1': 30 } },
  });
  assert.equal(gamelift.status, 200, JSON.stringify(gamelift.body));
  const notJson = await s.call('alice', 'POST', '/matchmaking/start', '{"playerId": ');
  assert.equal(notJson.status, 400);
  const config = await s.start('alice', { configurationName: 'nope' });
  assert.equal(config.status, 400);
});

test('starting again replaces the earlier ticket, so the player is never stuck', async (t) => {
  const s = await server(t);
  const first = await s.start('alice');
  await s.waitFor('alice', first.body.ticketId, 'SEARCHING');
  const second = await s.start('alice');
  assert.notEqual(second.body.ticketId, first.body.ticketId);
  const old = await s.waitFor('alice', first.body.ticketId, 'CANCELLED');
  assert.equal(old.body.statusReason, 'REPLACED');
  await s.start('bob');
  await s.waitFor('alice', second.body.ticketId, 'COMPLETED');
  // A retried start with the same ticketId returns that ticket.
  const retried = await s.start('alice', { ticketId: second.body.ticketId });
  assert.equal(retried.status, 200);
  assert.equal(retried.body.ticketId, second.body.ticketId);
  const taken = await s.start('bob', { ticketId: second.body.ticketId });
  assert.equal(taken.status, 409);
});

test('a long poll returns as soon as the ticket changes, or after waitSeconds', async (t) => {
  const s = await server(t);
  const a = await s.start('alice');
  await s.waitFor('alice', a.body.ticketId, 'SEARCHING');
  let started = Date.now();
  const idle = await s.status('alice', a.body.ticketId, '?waitSeconds=1');
  const idleMs = Date.now() - started;
  assert.equal(idle.body.status, 'SEARCHING');
  assert.ok(idleMs >= 900 && idleMs < 3000, `held ${idleMs} ms`);

  started = Date.now();
  const poll = s.status('alice', a.body.ticketId, '?waitSeconds=20');
  await new Promise((resolve) => setTimeout(resolve, 200));
  await s.start('bob');
  const changed = await poll;
  const changedMs = Date.now() - started;
  assert.equal(changed.body.status, 'COMPLETED');
  assert.ok(changedMs < 2000, `answered after ${changedMs} ms`);
  // A client that last saw QUEUED is told at once that the ticket moved on.
  const c = await s.start('carol');
  await s.waitFor('carol', c.body.ticketId, 'SEARCHING');
  started = Date.now();
  const moved = await s.status('carol', c.body.ticketId, '?waitSeconds=10&knownStatus=QUEUED');
  assert.equal(moved.body.status, 'SEARCHING');
  assert.ok(Date.now() - started < 2000);
  const bad = await s.status('alice', a.body.ticketId, '?waitSeconds=soon');
  assert.equal(bad.status, 400);
});

test('acceptance: both players accept and the tickets complete', async (t) => {
  const file = tempFile(
    'acceptance.json',
    JSON.stringify({
      configurations: [
        { name: 'duel', ruleSetBody: RULES(1), acceptanceRequired: true, acceptanceTimeoutSeconds: 30 },
      ],
    }),
  );
  const s = await server(t, '', file);
  const call = (p, method, url, body) =>
    s.call(p, method, url, method === 'GET' ? undefined : (body ?? {}));
  const a = await call('alice', 'POST', '/matchmaking/start', { playerId: 'alice' });
  const b = await call('bob', 'POST', '/matchmaking/start', { playerId: 'bob' });
  let st;
  for (let i = 0; i < 100; i++) {
    st = await call('alice', 'GET', `/matchmaking/status/${a.body.ticketId}`);
    if (st.body.status === 'REQUIRES_ACCEPTANCE') break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.equal(st.body.status, 'REQUIRES_ACCEPTANCE');
  const bad = await call('alice', 'POST', `/matchmaking/accept/${a.body.ticketId}`, { acceptanceType: 'MAYBE' });
  assert.equal(bad.status, 400);
  const ok1 = await call('alice', 'POST', `/matchmaking/accept/${a.body.ticketId}`, { acceptanceType: 'ACCEPT' });
  assert.equal(ok1.status, 200, JSON.stringify(ok1.body));
  const ok2 = await call('bob', 'POST', `/matchmaking/accept/${b.body.ticketId}`, { acceptanceType: 'ACCEPT' });
  assert.equal(ok2.status, 200);
  assert.equal(ok2.body.status, 'COMPLETED');
  const late = await call('bob', 'POST', `/matchmaking/accept/${b.body.ticketId}`, { acceptanceType: 'REJECT' });
  assert.equal(late.status, 409);
});

test('per-player rate limit: 429 with Retry-After, other players unaffected', async (t) => {
  const s = await server(t, 'rate_limit_per_second = 1\nrate_limit_burst = 3');
  const a = await s.start('alice');
  assert.equal(a.status, 200);
  const codes = [];
  let retry = null;
  for (let i = 0; i < 4; i++) {
    const r = await s.status('alice', a.body.ticketId);
    codes.push(r.status);
    if (r.status === 429) {
      retry = r.headers.get('retry-after');
      assert.equal(r.body.error, 'TOO_MANY_REQUESTS');
    }
  }
  assert.deepEqual(codes.slice(0, 2), [200, 200]);
  assert.equal(codes.at(-1), 429);
  assert.ok(Number(retry) >= 1);
  assert.equal((await s.start('bob')).status, 200);
});

test("the seed client's request works with the embedded default configuration", async (t) => {
  const s = await startServer({ t });
  const r = await runCli(['token', '--player', 'player-1', '--data-dir', path.join(s.dir, 'data')]);
  const res = await s.fetch('/matchmaking/start', {
    method: 'POST',
    headers: { authorization: r.stdout.trim(), 'content-type': 'application/json' },
    body: JSON.stringify({
      playerId: 'player-1',
      playerAttributes: { skill: 10, region: 'eu-west-1', latencyInMs: { 'eu-west-1': 50, 'us-east-1': 150 } },
    }),
  });
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  assert.equal(body.status, 'QUEUED');
  const st = await s.fetch(`/matchmaking/status/${body.ticketId}`, {
    headers: { authorization: r.stdout.trim() },
  });
  assert.equal(st.status, 200);
  assert.equal((await st.json()).configurationName, 'session-api-dev');
});

test('an invalid rule set stops the service with the validator messages', async () => {
  const file = tempFile(
    'bad.json',
    JSON.stringify({
      configurations: [
        {
          name: 'duel',
          ruleSetBody: { ruleLanguageVersion: '1.0', teams: [{ name: 'a', minPlayers: 5, maxPlayers: 2 }] },
        },
      ],
    }),
  );
  const config = tempFile(
    'config.toml',
    `matchmaking_configuration_name = "duel"\n[matchmaking]\nconfigurations_file = ${JSON.stringify(file)}\n`,
  );
  await assert.rejects(
    startServer({ args: ['--config', config], timeoutMs: 10000 }),
    (e) => /exited \(code [1-9]/.test(e.message) && /teams\[0\]/.test(e.message),
  );
});
