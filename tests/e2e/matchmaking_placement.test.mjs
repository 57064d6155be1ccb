// Matchmaking's side of placement over real HTTP with the real binary and its fleet: the
// embedded default configuration places its matches on registered game servers with
// FlexMatch's matchmaker data, its STANDALONE twin completes without any server, and an
// AUTOMATIC backfill configuration brings a newcomer into the running game session.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/server.mjs';
import { LoopServer, startLoopServer } from './lib/loop.mjs';

const FLEET = ['[fleet]', 'heartbeat_interval_seconds = 1', 'heartbeat_timeout_seconds = 5'].join('\n');

test('the embedded default places a 2-against-2 match on a game server', async (t) => {
  const s = new LoopServer(t, await startServer({ t, config: FLEET }));
  const gs = await s.gameServer({ location: 'eu-west-1', maxPlayers: 8, port: 7777 });
  const sessionArrives = gs.waitForGameSession();
  const players = ['p1', 'p2', 'p3', 'p4'].map((id) => s.player(id));
  const tickets = [];
  for (const p of players) tickets.push(await p.start());

  const session = await sessionArrives;
  assert.ok(session, 'no game session reached the server');
  const data = JSON.parse(session.matchmakerData);
  assert.match(data.matchmakingConfigurationArn, /:matchmakingconfiguration\/session-api-dev$/);
  assert.equal(data.autoBackfillMode, 'MANUAL');
  assert.equal(data.autoBackfillTicketId, undefined);
  assert.deepEqual(data.teams.map((team) => team.name), ['red', 'blue']);
  for (const team of data.teams) {
    assert.equal(team.players.length, 2);
    for (const player of team.players) {
      assert.deepEqual(player.attributes, {
        skill: { attributeType: 'DOUBLE', valueAttribute: 10 },
        region: { attributeType: 'STRING', valueAttribute: 'eu-west-1' },
      });
    }
  }
  const placing = await players[0].status(tickets[0]);
  assert.equal(placing.json.status, 'PLACING', placing.text);

  const activated = await gs.activate(session.gameSessionId);
  assert.equal(activated.status, 200, activated.text);
  for (const [i, p] of players.entries()) {
    const done = await p.pollUntil(tickets[i], ['COMPLETED', 'FAILED']);
    assert.equal(done.status, 'COMPLETED', JSON.stringify(done));
    assert.equal(done.configurationName, 'session-api-dev');
    const info = done.gameSessionConnectionInfo;
    assert.equal(info.gameSessionArn, session.gameSessionArn);
    assert.equal(info.ipAddress, '127.0.0.1');
    assert.equal(info.port, 7777);
    assert.equal(info.matchedPlayerSessions.length, 1);
    assert.equal(info.matchedPlayerSessions[0].PlayerId, p.playerId);
    const reserved = session.playerSessions.find((ps) => ps.playerId === p.playerId);
    assert.equal(info.matchedPlayerSessions[0].playerSessionId, reserved.playerSessionId);
  }
});

test('the embedded standalone twin completes without game servers', async (t) => {
  const s = new LoopServer(t, await startServer({ t, config: FLEET }));
  const players = ['s1', 's2', 's3', 's4'].map((id) => s.player(id));
  const tickets = [];
  for (const p of players) tickets.push(await p.start({ configurationName: 'session-api-dev-standalone' }));
  const done = await players[0].pollUntil(tickets[0], ['COMPLETED', 'FAILED']);
  assert.equal(done.status, 'COMPLETED', JSON.stringify(done));
  assert.equal(done.gameSessionConnectionInfo.ipAddress, undefined, 'no game session in STANDALONE');
  assert.match(done.gameSessionConnectionInfo.matchedPlayerSessions[0].playerSessionId, /^psess-/);
});

test('automatic backfill: a newcomer joins the running game session', async (t) => {
  const s = await startLoopServer(t, {
    configurations: [{
      name: 'arena',
      flexMatchMode: 'WITH_QUEUE',
      backfillMode: 'AUTOMATIC',
      gameSessionQueue: 'arena-queue',
      requestTimeoutSeconds: 30,
      ruleSetBody: {
        name: 'arena', ruleLanguageVersion: '1.0',
        playerAttributes: [{ name: 'skill', type: 'number', default: 10 }],
        teams: [{ name: 'red', minPlayers: 1, maxPlayers: 2 }, { name: 'blue', minPlayers: 1, maxPlayers: 2 }],
      },
    }],
    queues: [{ name: 'arena-queue', timeoutInSeconds: 10 }],
    heartbeatTimeout: 5,
  });
  const gs = await s.gameServer({ location: 'eu-west-1', maxPlayers: 4 });
  const sessionArrives = gs.waitForGameSession();
  const alice = s.player('alice');
  const bob = s.player('bob');
  const a = await alice.start();
  const b = await bob.start();
  const session = await sessionArrives;
  assert.ok(session);
  const data = JSON.parse(session.matchmakerData);
  assert.equal(data.autoBackfillMode, 'AUTOMATIC');
  assert.equal(typeof data.autoBackfillTicketId, 'string', session.matchmakerData);
  assert.equal((await gs.activate(session.gameSessionId)).status, 200);
  await alice.pollUntil(a, ['COMPLETED']);
  await bob.pollUntil(b, ['COMPLETED']);

  const carol = s.player('carol');
  const c = await carol.start();
  const joined = await carol.pollUntil(c, ['COMPLETED', 'FAILED', 'TIMED_OUT']);
  assert.equal(joined.status, 'COMPLETED', JSON.stringify(joined));
  assert.equal(joined.gameSessionConnectionInfo.gameSessionArn, session.gameSessionArn);
  const psess = joined.gameSessionConnectionInfo.matchedPlayerSessions[0].playerSessionId;
  const accepted = await gs.acceptPlayerSession(session.gameSessionId, psess);
  assert.equal(accepted.status, 200, accepted.text);

  // The backfill ticket belongs to the game session, not to the players in it.
  const hidden = await alice.status(data.autoBackfillTicketId);
  assert.equal(hidden.status, 404, hidden.text);
});
