// The game-server API over real HTTP, signed with aws4, against the real binary: registration,
// heartbeats and reaping, the long poll for a game session placed by matchmaking, activation,
// player sessions, the end of a game session and what survives a restart.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { startServer, tempFile } from './lib/server.mjs';
import { createCredential, send, aws4Sign, waitUntilKnown } from './lib/sigv4.mjs';
import { playerTokens } from './lib/matchmaking.mjs';

const BASE = '/dev';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// One-against-one matches placed through the `default` queue.
function configurationsFile() {
  return tempFile('configurations.json', JSON.stringify({
    configurations: [{
      name: 'duel',
      flexMatchMode: 'WITH_QUEUE',
      gameSessionQueue: 'default',
      requestTimeoutSeconds: 60,
      gameProperties: [{ key: 'mode', value: 'duel' }],
      ruleSetBody: {
        name: 'duel',
        ruleLanguageVersion: '1.0',
        playerAttributes: [{ name: 'skill', type: 'number', default: 10 }],
        teams: [{ name: 'red', minPlayers: 1, maxPlayers: 1 },
          { name: 'blue', minPlayers: 1, maxPlayers: 1 }],
      },
    }],
  }));
}

function configText(extra = '', requirePlaced = false) {
  return [
    'aws_region = "eu-west-1"',
    'matchmaking_configuration_name = "duel"',
    '[server]', `base_path = "${BASE}"`,
    '[matchmaking]', `configurations_file = ${JSON.stringify(configurationsFile())}`,
    '[fleet]', 'heartbeat_interval_seconds = 1', 'heartbeat_timeout_seconds = 2', extra,
    '[sessions]', `require_placed_player = ${requirePlaced}`,
  ].join('\n');
}

async function start(t, { dataDir, requirePlaced = false } = {}) {
  const server = await startServer({ t, config: configText('', requirePlaced), dataDir });
  server.dataDir = dataDir ?? path.join(server.dir, 'data');
  return server;
}

// A game server's signed calls.
function gameServer(server, creds) {
  return async (method, p, body) => {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const headers = text === undefined ? {} : { 'content-type': 'application/json' };
    return send(server, aws4Sign(server, creds, { method, path: `${BASE}${p}`, headers, body: text }));
  };
}

// A player's matchmaking calls with a local-issuer token.
async function player(server, id) {
  const token = await playerTokens(server, server.dataDir)(id);
  return async (method, p, body) => {
    const res = await server.fetch(`${BASE}${p}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null };
  };
}

const REGISTRATION = {
  gameServerId: 'gs-1', ipAddress: '10.0.0.7', port: 7777, dnsName: 'gs-1.example.test',
  location: 'eu-west-1', maxPlayers: 4, labels: { build: '1.2.3' },
};

// Starts a 1v1 match for two fresh players; resolves with their calls and tickets.
async function startMatch(server, a, b) {
  const pa = await player(server, a);
  const pb = await player(server, b);
  const ta = await pa('POST', '/matchmaking/start', { playerId: a, playerAttributes: { skill: 10 } });
  const tb = await pb('POST', '/matchmaking/start', { playerId: b, playerAttributes: { skill: 10 } });
  assert.equal(ta.status, 200, JSON.stringify(ta.json));
  assert.equal(tb.status, 200, JSON.stringify(tb.json));
  return { pa, pb, ta: ta.json.ticketId, tb: tb.json.ticketId };
}

// Two keys (host-1, host-2) known to the server; gs-1 registered with host-1 and waiting for a
// game session; a 1v1 match of `a` and `b` started. Resolves with host-1's and host-2's signed
// calls and gs-1's pending long poll.
async function matchOnRegisteredHost(server, a, b) {
  const creds = await createCredential(server, 'host-1');
  const otherCreds = await createCredential(server, 'host-2');
  await waitUntilKnown(server, creds, BASE);
  await waitUntilKnown(server, otherCreds, BASE);
  const gs = gameServer(server, creds);
  assert.equal((await gs('POST', '/game-servers', REGISTRATION)).status, 200);
  const poll = gs('GET', '/game-servers/gs-1/game-session?waitSeconds=10');
  await startMatch(server, a, b);
  return { gs, other: otherCreds, poll };
}

// The `detail` of each event on GET /matchmaking/events for `playerId`, as they arrive.
async function eventsOf(t, server, playerId) {
  const token = await playerTokens(server, server.dataDir)(playerId);
  const controller = new AbortController();
  t.after(() => controller.abort());
  const res = await server.fetch(`${BASE}/matchmaking/events`, {
    headers: { authorization: `Bearer ${token}` }, signal: controller.signal,
  });
  assert.equal(res.status, 200);
  const details = [];
  (async () => {
    let raw = '';
    try {
      for await (const chunk of res.body) {
        raw += Buffer.from(chunk).toString();
        let end;
        while ((end = raw.indexOf('\n\n')) >= 0) {
          const data = raw.slice(0, end).split('\n').find((l) => l.startsWith('data: '));
          raw = raw.slice(end + 2);
          if (data) details.push(JSON.parse(data.slice(6)).detail);
        }
      }
    } catch {
      // aborted at the end of the test
    }
  })();
  return details;
}

async function until(condition, what, seen) {
  for (let i = 0; i < 200 && !condition(); i++) await sleep(25);
  assert.ok(condition(), `timed out waiting for ${what}; saw ${JSON.stringify(seen)}`);
}

async function waitForStatus(call, ticketId, status) {
  for (let i = 0; i < 200; i++) {
    const r = await call('GET', `/matchmaking/status/${ticketId}`);
    if (r.json.status === status) return r.json;
    await sleep(25);
  }
  assert.fail(`ticket ${ticketId} never reached ${status}`);
}

test('the game-server API from registration to the end of a game session', async (t) => {
  const server = await start(t);
  const creds = await createCredential(server, 'host-1');
  const other = await createCredential(server, 'host-2');
  await waitUntilKnown(server, creds, BASE);
  await waitUntilKnown(server, other, BASE);
  const gs = gameServer(server, creds);
  const intruder = gameServer(server, other);

  const reg = await gs('POST', '/game-servers', REGISTRATION);
  assert.equal(reg.status, 200, reg.text);
  assert.deepEqual(reg.json, { gameServerId: 'gs-1', location: 'eu-west-1', status: 'ACTIVE',
    heartbeatIntervalSeconds: 1, heartbeatTimeoutSeconds: 2 });
  const generated = await gs('POST', '/game-servers', { ...REGISTRATION, gameServerId: undefined });
  assert.match(generated.json.gameServerId, /^gsrv-[0-9a-f-]{36}$/);
  assert.equal((await gs('DELETE', `/game-servers/${generated.json.gameServerId}`)).status, 200);

  const bad = await gs('POST', '/game-servers', { ...REGISTRATION, maxPlayers: 500 });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error, 'INVALID_REQUEST');
  assert.match(bad.json.message, /maxPlayers/);

  // Each server acts for itself only.
  for (const [method, p] of [['POST', '/game-servers/gs-1/heartbeat'],
    ['DELETE', '/game-servers/gs-1'], ['GET', '/game-servers/gs-1/game-session']]) {
    const r = await intruder(method, p, method === 'POST' ? {} : undefined);
    assert.equal(r.status, 403, `${method} ${p}: ${r.text}`);
    assert.equal(r.json.error, 'FORBIDDEN');
  }
  assert.equal((await intruder('POST', '/game-servers', REGISTRATION)).status, 403);

  const hb = await gs('POST', '/game-servers/gs-1/heartbeat', { playerCount: 0, health: 'HEALTHY' });
  assert.equal(hb.status, 200, hb.text);
  assert.equal(hb.json.status, 'ACTIVE');
  const beating = setInterval(() => { gs('POST', '/game-servers/gs-1/heartbeat', {}); }, 500);
  t.after(() => clearInterval(beating));

  // The long poll ends empty when nothing is placed, then answers when a match is.
  const empty = await gs('GET', '/game-servers/gs-1/game-session?waitSeconds=1');
  assert.equal(empty.status, 200);
  assert.deepEqual(empty.json, { gameSession: null });
  const poll = gs('GET', '/game-servers/gs-1/game-session?waitSeconds=10');
  const { pa, ta } = await startMatch(server, 'alice', 'bob');
  const placed = await poll;
  assert.equal(placed.status, 200, placed.text);
  const session = placed.json.gameSession;
  assert.equal(session.status, 'ACTIVATING');
  assert.equal(session.gameServerId, 'gs-1');
  assert.equal(session.ipAddress, '10.0.0.7');
  assert.equal(session.port, 7777);
  assert.equal(session.dnsName, 'gs-1.example.test');
  assert.match(session.gameSessionId, /^gsess-/);
  assert.equal(session.gameSessionArn,
    `arn:aws:gamelift:eu-west-1::gamesession/session-api/${session.gameSessionId}`);
  assert.deepEqual(session.gameProperties, [{ key: 'mode', value: 'duel' }]);
  const matchmakerData = JSON.parse(session.matchmakerData);
  assert.equal(matchmakerData.teams.length, 2);
  assert.deepEqual(session.playerSessions.map((p) => p.playerId).sort(), ['alice', 'bob']);
  for (const p of session.playerSessions) {
    assert.match(p.playerSessionId, /^psess-/);
    assert.equal(p.status, 'RESERVED');
  }
  await waitForStatus(pa, ta, 'PLACING');

  const id = session.gameSessionId;
  assert.equal((await intruder('POST', `/game-sessions/${id}/activate`)).status, 403);
  assert.equal((await intruder('GET', `/game-sessions/${id}`)).status, 403);
  const activated = await gs('POST', `/game-sessions/${id}/activate`);
  assert.equal(activated.status, 200, activated.text);
  assert.equal(activated.json.gameSession.status, 'ACTIVE');

  // Activation completes the tickets with the connection info.
  const done = await waitForStatus(pa, ta, 'COMPLETED');
  const info = done.gameSessionConnectionInfo;
  assert.equal(info.gameSessionArn, session.gameSessionArn);
  assert.equal(info.ipAddress, '10.0.0.7');
  assert.equal(info.port, 7777);
  const alice = session.playerSessions.find((p) => p.playerId === 'alice');
  const bob = session.playerSessions.find((p) => p.playerId === 'bob');
  assert.equal(info.matchedPlayerSessions.find((p) => p.playerId === 'alice').playerSessionId,
    alice.playerSessionId);

  // A player session is accepted once.
  const acceptPath = `/game-sessions/${id}/player-sessions/${alice.playerSessionId}/accept`;
  const accepted = await gs('POST', acceptPath);
  assert.equal(accepted.status, 200, accepted.text);
  assert.deepEqual(accepted.json.playerSession, { playerSessionId: alice.playerSessionId,
    playerId: 'alice', gameSessionId: id, status: 'ACTIVE' });
  const twice = await gs('POST', acceptPath);
  assert.equal(twice.status, 409);
  assert.equal(twice.json.error, 'PLAYER_SESSION_NOT_RESERVED');
  assert.match(twice.json.message, /already ACTIVE/);
  const unknown = await gs('POST', `/game-sessions/${id}/player-sessions/psess-nope/accept`);
  assert.equal(unknown.status, 404);
  assert.equal(unknown.json.error, 'PLAYER_SESSION_NOT_FOUND');

  // The version long poll sees a player leave.
  const { version } = (await gs('GET', `/game-sessions/${id}`)).json.gameSession;
  const watch = gs('GET', `/game-sessions/${id}?waitSeconds=10&knownVersion=${version}`);
  await sleep(100);
  const removed = await gs('DELETE', `/game-sessions/${id}/player-sessions/${bob.playerSessionId}`);
  assert.equal(removed.status, 200, removed.text);
  assert.equal(removed.json.playerSession.status, 'COMPLETED');
  const changed = await watch;
  assert.ok(changed.json.gameSession.version > version);
  assert.equal(changed.json.gameSession.playerSessions.find((p) => p.playerId === 'bob').status,
    'COMPLETED');

  const ended = await gs('POST', `/game-sessions/${id}/end`);
  assert.equal(ended.status, 200, ended.text);
  assert.equal(ended.json.gameSession.status, 'TERMINATED');
  const after = await gs('POST', acceptPath);
  assert.equal(after.status, 409);

  const gone = await gs('DELETE', '/game-servers/gs-1');
  assert.deepEqual(gone.json, { gameServerId: 'gs-1', status: 'DEREGISTERED' });
  const again = await gs('DELETE', '/game-servers/gs-1');
  assert.equal(again.status, 404);
  assert.equal(again.json.error, 'GAME_SERVER_NOT_FOUND');
  clearInterval(beating);
  assert.equal((await server.stop()).code, 0);
});

test('a server that misses its heartbeats is taken out and must register again', async (t) => {
  const server = await start(t);
  const creds = await createCredential(server, 'host-1');
  await waitUntilKnown(server, creds, BASE);
  const gs = gameServer(server, creds);
  assert.equal((await gs('POST', '/game-servers', REGISTRATION)).status, 200);
  await sleep(3000);
  const hb = await gs('POST', '/game-servers/gs-1/heartbeat', {});
  assert.equal(hb.status, 404, hb.text);
  assert.equal(hb.json.error, 'GAME_SERVER_NOT_FOUND');
  assert.equal((await gs('POST', '/game-servers', REGISTRATION)).status, 200);
  assert.equal((await gs('POST', '/game-servers/gs-1/heartbeat', {})).status, 200);
  const metrics = await (await server.fetch(`${BASE}/metrics`)).text();
  assert.match(metrics, /fleet_game_servers_reaped_total 1/);
  assert.equal((await server.stop()).code, 0);
});

test('servers and active game sessions survive a restart', async (t) => {
  // Outside the server's own temp dir, which stop() removes.
  const home = mkdtempSync(path.join(tmpdir(), 'session-api-fleet-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  const dataDir = path.join(home, 'data');
  let server = await start(t, { dataDir });
  const creds = await createCredential({ dir: home }, 'host-1');
  await waitUntilKnown(server, creds, BASE);
  let gs = gameServer(server, creds);
  assert.equal((await gs('POST', '/game-servers', REGISTRATION)).status, 200);
  const poll = gs('GET', '/game-servers/gs-1/game-session?waitSeconds=10');
  const { pa, ta } = await startMatch(server, 'carol', 'dave');
  const session = (await poll).json.gameSession;
  assert.equal((await gs('POST', `/game-sessions/${session.gameSessionId}/activate`)).status, 200);
  await waitForStatus(pa, ta, 'COMPLETED');
  assert.equal((await server.stop()).code, 0);

  server = await start(t, { dataDir });
  gs = gameServer(server, creds);
  await waitUntilKnown(server, creds, BASE);
  assert.equal((await gs('POST', '/game-servers/gs-1/heartbeat', {})).status, 200);
  const restored = await gs('GET', `/game-sessions/${session.gameSessionId}`);
  assert.equal(restored.status, 200, restored.text);
  assert.equal(restored.json.gameSession.status, 'ACTIVE');
  assert.equal(restored.json.gameSession.gameSessionArn, session.gameSessionArn);
  const carol = session.playerSessions.find((p) => p.playerId === 'carol');
  const accepted = await gs('POST',
    `/game-sessions/${session.gameSessionId}/player-sessions/${carol.playerSessionId}/accept`);
  assert.equal(accepted.status, 200, accepted.text);
  assert.equal((await server.stop()).code, 0);
});

test('one backfill at a time per game session, stopped by the game server', async (t) => {
  const server = await start(t);
  const { gs, other, poll } = await matchOnRegisteredHost(server, 'erin', 'frank');
  const id = (await poll).json.gameSession.gameSessionId;
  assert.equal((await gs('POST', `/game-sessions/${id}/activate`)).status, 200);

  assert.equal((await gameServer(server, other)('POST', `/game-sessions/${id}/backfill`, {})).status,
    403);
  const started = await gs('POST', `/game-sessions/${id}/backfill`, {});
  assert.equal(started.status, 200, started.text);
  assert.equal(started.json.status, 'QUEUED');
  const second = await gs('POST', `/game-sessions/${id}/backfill`, {
    players: [{ playerId: 'erin', team: 'red' }, { playerId: 'frank', team: 'blue' }],
  });
  assert.equal(second.status, 409, second.text);
  assert.equal(second.json.error, 'BACKFILL_IN_PROGRESS');
  const badTeam = await gs('POST', `/game-sessions/${id}/backfill`, {
    players: [{ playerId: 'erin', team: 'green' }],
  });
  assert.equal(badTeam.status, 400, badTeam.text);

  const stopped = await gs('DELETE', `/game-sessions/${id}/backfill/${started.json.ticketId}`);
  assert.equal(stopped.status, 200, stopped.text);
  assert.deepEqual(stopped.json, { ticketId: started.json.ticketId, status: 'CANCELLED' });
  const again = await gs('POST', `/game-sessions/${id}/backfill`, {});
  assert.equal(again.status, 200, again.text);
  assert.equal((await server.stop()).code, 0);
});

test('a game session that ends cancels its active backfill at once', async (t) => {
  const server = await start(t);
  const { gs, poll } = await matchOnRegisteredHost(server, 'jade', 'kurt');
  const id = (await poll).json.gameSession.gameSessionId;
  assert.equal((await gs('POST', `/game-sessions/${id}/activate`)).status, 200);

  // A backfill ticket lists the seated players, so jade's event stream carries its events;
  // reading them changes nothing, unlike the DELETE route, which would cancel the ticket.
  const events = await eventsOf(t, server, 'jade');
  const started = await gs('POST', `/game-sessions/${id}/backfill`, {});
  assert.equal(started.status, 200, started.text);
  const { ticketId } = started.json;
  const of = (type) => () => events.find((d) => d.type === type &&
    d.tickets.some((ticket) => ticket.ticketId === ticketId));
  await until(of('MatchmakingSearching'), `backfill ${ticketId} searching`, events);
  assert.equal(of('MatchmakingCancelled')(), undefined);

  const ended = await gs('POST', `/game-sessions/${id}/end`);
  assert.equal(ended.status, 200, ended.text);
  await until(of('MatchmakingCancelled'), `backfill ${ticketId} cancelled`, events);
  // Stopping an ended ticket returns it unchanged.
  const stopped = await gs('DELETE', `/game-sessions/${id}/backfill/${ticketId}`);
  assert.deepEqual(stopped.json, { ticketId, status: 'CANCELLED' });
  assert.equal((await server.stop()).code, 0);
});

test('with sessions.require_placed_player, summaries only for players placed on the caller', async (t) => {
  const server = await start(t, { requirePlaced: true });
  const { gs, other, poll } = await matchOnRegisteredHost(server, 'gina', 'hal');
  assert.equal((await poll).status, 200);

  const summary = (playerId) => ({ playerId, sessionId: '0123456789abcdef0123456789abcdef' });
  const placed = await gs('POST', '/session-summary', summary('gina'));
  assert.equal(placed.status, 200, placed.text);
  const stranger = await gs('POST', '/session-summary', summary('ivan'));
  assert.equal(stranger.status, 403, stranger.text);
  assert.equal(stranger.json.error, 'PLAYER_NOT_PLACED');
  const elsewhere = await gameServer(server, other)('POST', '/session-summary', summary('hal'));
  assert.equal(elsewhere.status, 403, elsewhere.text);
  assert.equal((await server.stop()).code, 0);
});
