// Session summaries and rewards over HTTP: game servers post summaries signed with SigV4 (the
// real signers), behind a /dev base path; players read their own rewards and sessions with
// tokens of the local issuer.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startServer, runCli, tempFile } from './lib/server.mjs';
import { createCredential, send, smithySign, aws4Sign, waitUntilKnown } from './lib/sigv4.mjs';

const BASE = '/dev';
const catalogue = tempFile('rewards.txt', [
  '# the game\'s rewards',
  'first_objective_complete', 'session_complete', 'team_victory', 'all_objectives_complete',
  'zone_explorer', 'quick_completion', 'team_player', 'perfect_run',
].join('\n'));

let server;
let creds;

before(async () => {
  server = await startServer({
    config: [
      `[server]`, `base_path = "${BASE}"`,
      `[sessions]`, `rewards_catalogue_file = ${JSON.stringify(catalogue)}`,
    ].join('\n'),
  });
  creds = await createCredential(server, 'game-server-1');
  await waitUntilKnown(server, creds, BASE);
});

after(async () => {
  const { code } = await server.stop();
  assert.equal(code, 0);
});

async function postSummary(summary, signer = smithySign) {
  const body = typeof summary === 'string' ? summary : JSON.stringify(summary);
  const signed = await signer(server, creds, {
    method: 'POST', path: `${BASE}/session-summary`,
    headers: { 'content-type': 'application/json' }, body,
  });
  return send(server, signed);
}

async function playerToken(player) {
  const r = await runCli(['token', '--player', player, '--data-dir', path.join(server.dir, 'data'),
    '--config', path.join(server.dir, 'config.toml')]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim();
}

async function getAs(token, p) {
  const res = await server.fetch(`${BASE}${p}`, { headers: token ? { authorization: token } : {} });
  return { status: res.status, json: await res.json() };
}

test('a summary is stored and answered as the original service did', async () => {
  const r = await postSummary({
    playerId: 'alice', sessionId: '0123456789abcdef0123456789abcdef',
    rewards: ['first_objective_complete', 'session_complete', 'session_complete'],
    endTime: '2026-04-08T12:00:00.000Z',
  });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, {
    success: true, playerId: 'alice', sessionId: '0123456789abcdef0123456789abcdef',
    rewardsStored: 2, ttl: 1775649600 + 259200,
  });
});

test('a replay answers the same body, from either signer', async () => {
  const summary = { playerId: 'bob', sessionId: 'aaaa', rewards: ['team_victory'] };
  const first = await postSummary(summary);
  assert.equal(first.status, 200, first.text);
  await new Promise((resolve) => setTimeout(resolve, 1100)); // a retry a second later
  const replay = await postSummary(summary, aws4Sign);
  assert.equal(replay.status, 200, replay.text);
  assert.equal(replay.text, first.text);
});

test('a different summary for a recorded session is 409 and changes nothing', async () => {
  assert.equal((await postSummary({ playerId: 'carol', sessionId: 's1', rewards: [] })).status, 200);
  const r = await postSummary({ playerId: 'carol', sessionId: 's1', rewards: ['perfect_run'] });
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.error, 'CONFLICT');
  const rewards = await getAs(await playerToken('carol'), '/players/carol/rewards');
  assert.deepEqual(rewards.json.rewards, []);
});

test('bad summaries are 400 with the original message or INVALID_REWARD_ID', async () => {
  let r = await postSummary({ playerId: 'alice' });
  assert.equal(r.status, 400);
  assert.deepEqual(r.json, { error: 'INVALID_REQUEST', message: 'playerId and sessionId are required' });
  r = await postSummary('{"playerId": ');
  assert.equal(r.status, 400);
  assert.equal(r.json.error, 'INVALID_REQUEST');
  r = await postSummary({ playerId: 'alice', sessionId: 's', endTime: 'yesterday' });
  assert.equal(r.status, 400);
  r = await postSummary({ playerId: 'alice', sessionId: 's', rewards: ['team_victory', 'free_gold'] });
  assert.equal(r.status, 400);
  assert.equal(r.json.error, 'INVALID_REWARD_ID');
  assert.match(r.json.message, /free_gold/);
});

test('an unsigned summary is 403 before anything is stored', async () => {
  const res = await server.fetch(`${BASE}/session-summary`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ playerId: 'mallory', sessionId: 's', rewards: ['perfect_run'] }),
  });
  assert.equal(res.status, 403);
  const rewards = await getAs(await playerToken('mallory'), '/players/mallory/rewards');
  assert.deepEqual(rewards.json.rewards, []);
});

test('players read their own rewards and sessions, newest first, in pages', async () => {
  for (let i = 0; i < 3; i++) {
    const r = await postSummary({
      playerId: 'dave', sessionId: `d${i}`, rewards: ['zone_explorer'],
      endTime: new Date(Date.now() - (10 - i) * 60000).toISOString(),
    });
    assert.equal(r.status, 200, r.text);
  }
  const token = await playerToken('dave');
  const rewards = await getAs(token, '/players/dave/rewards');
  assert.equal(rewards.status, 200);
  assert.equal(rewards.json.rewards.length, 1);
  assert.equal(rewards.json.rewards[0].rewardId, 'zone_explorer');
  assert.equal(rewards.json.rewards[0].sessionId, 'd0'); // the first grant is kept
  assert.equal(rewards.json.rewards[0].lastSessionId, 'd2');

  const page1 = await getAs(`Bearer ${token}`, '/players/dave/sessions?limit=2');
  assert.equal(page1.status, 200);
  assert.deepEqual(page1.json.sessions.map((s) => s.sessionId), ['d2', 'd1']);
  const page2 = await getAs(token,
    `/players/dave/sessions?limit=2&cursor=${encodeURIComponent(page1.json.nextCursor)}`);
  assert.deepEqual(page2.json.sessions.map((s) => s.sessionId), ['d0']);
  assert.equal(page2.json.nextCursor, undefined);
});

test("someone else's rewards are 403, and no token is 401", async () => {
  const token = await playerToken('erin');
  assert.equal((await getAs(token, '/players/alice/rewards')).status, 403);
  assert.equal((await getAs(token, '/players/alice/sessions')).status, 403);
  assert.equal((await getAs(null, '/players/erin/rewards')).status, 401);
});
