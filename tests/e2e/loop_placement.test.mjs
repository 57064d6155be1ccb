// The whole loop over real HTTP with the real binary: players with local-issuer tokens start
// matchmaking in WITH_QUEUE configurations, simulated game servers (SigV4, aws4) register,
// heartbeat, pick up their game sessions by long poll and activate them; the players' tickets
// complete with the server's address and their player sessions, the server validates a
// player session and posts a session summary, and the player reads the rewards. Then the ways
// it can go wrong: a rejected match, a match no server can host, a server that dies before it
// activates, and a request that times out while no server has room.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startLoopServer, teamOf } from './lib/loop.mjs';

const QUEUES = [
  {
    name: 'fast',
    timeoutInSeconds: 10,
    locations: ['eu-west-1', 'us-east-1'],
    playerLatencyPolicies: [
      { maximumIndividualPlayerLatencyMilliseconds: 100, policyDurationSeconds: 2 },
      { maximumIndividualPlayerLatencyMilliseconds: 200 },
    ],
  },
  { name: 'short', timeoutInSeconds: 1 },
  { name: 'short-eu-us', timeoutInSeconds: 1, locations: ['eu-west-1', 'us-east-1'] },
];

const withQueue = (name, size, extra = {}) => ({
  name,
  ruleSetBody: teamOf(size),
  flexMatchMode: 'WITH_QUEUE',
  requestTimeoutSeconds: 30,
  gameSessionQueue: 'fast',
  ...extra,
});

const CONFIGURATIONS = [
  withQueue('duo', 2, { gameProperties: [{ key: 'map', value: 'forest' }], gameSessionData: 'round=1' }),
  withQueue('trio', 3, { gameSessionQueue: 'short-eu-us' }),
  withQueue('duo-accept', 2, { acceptanceRequired: true, acceptanceTimeoutSeconds: 10 }),
  withQueue('duo-short', 2, { requestTimeoutSeconds: 5, gameSessionQueue: undefined, gameSessionQueueArns: ['arn:aws:gamelift:eu-west-1::gamesessionqueue/short'] }),
];

const hex32 = () => randomUUID().replace(/-/g, '');

test('the whole loop: start, status, game session, COMPLETED, player session, summary, rewards', async (t) => {
  const s = await startLoopServer(t, { configurations: CONFIGURATIONS, queues: QUEUES });
  const gs = await s.gameServer({
    location: 'eu-west-1', maxPlayers: 4, port: 7777, dnsName: 'gs1.example.test', labels: { build: '42' },
  });
  const alice = s.player('alice');
  const bob = s.player('bob');

  const sessionArrives = gs.waitForGameSession();
  const aliceTicket = await alice.start({ configurationName: 'duo', latencyInMs: { 'eu-west-1': 30, 'us-east-1': 90 } });
  const aliceDone = alice.longPollUntil(aliceTicket, ['COMPLETED']);
  const bobTicket = await bob.start({ configurationName: 'duo', latencyInMs: { 'eu-west-1': 40 } });

  const session = await sessionArrives;
  assert.ok(session, 'the server got no game session');
  assert.match(session.gameSessionId, /^gsess-/);
  assert.equal(session.gameSessionArn, `arn:aws:gamelift:eu-west-1::gamesession/session-api/${session.gameSessionId}`);
  assert.equal(session.gameServerId, gs.id);
  assert.equal(session.status, 'ACTIVATING');
  assert.equal(session.location, 'eu-west-1');
  assert.equal(session.ipAddress, '127.0.0.1');
  assert.equal(session.dnsName, 'gs1.example.test');
  assert.equal(session.port, 7777);
  assert.equal(session.maximumPlayerSessionCount, 4);
  assert.deepEqual(session.gameProperties, [{ key: 'map', value: 'forest' }]);
  assert.equal(session.gameSessionData, 'round=1');
  const byPlayer = Object.fromEntries(session.playerSessions.map((p) => [p.playerId, p]));
  assert.deepEqual(Object.keys(byPlayer).sort(), ['alice', 'bob']);
  for (const p of session.playerSessions) {
    assert.match(p.playerSessionId, /^psess-/);
    assert.equal(p.status, 'RESERVED');
  }
  const matchmakerData = JSON.parse(session.matchmakerData);
  assert.equal(typeof matchmakerData.matchId, 'string');
  assert.match(matchmakerData.matchmakingConfigurationArn, /matchmakingconfiguration\/duo$/);
  const teamPlayers = matchmakerData.teams.flatMap((team) => team.players.map((p) => p.playerId));
  assert.deepEqual(teamPlayers.sort(), ['alice', 'bob']);

  // Until the server activates, the tickets are PLACING (simple polling, as the game does).
  const placing = await bob.pollUntil(bobTicket, ['PLACING', 'COMPLETED']);
  assert.equal(placing.status, 'PLACING');

  const activated = await gs.activate(session.gameSessionId);
  assert.equal(activated.status, 200, activated.text);
  assert.equal(activated.json.gameSession.status, 'ACTIVE');

  // Long poll: answered as soon as the status changed, and it went through PLACING.
  const { ticket, seen } = await aliceDone;
  assert.ok(seen.includes('PLACING'), `statuses seen: ${seen}`);
  const info = ticket.gameSessionConnectionInfo;
  assert.equal(info.gameSessionArn, session.gameSessionArn);
  assert.equal(info.ipAddress, '127.0.0.1');
  assert.equal(info.port, 7777);
  assert.equal(info.matchedPlayerSessions.length, 1);
  const mine = info.matchedPlayerSessions[0];
  assert.equal(mine.playerId, 'alice');
  assert.equal(mine.PlayerId, 'alice');
  assert.equal(mine.playerSessionId, byPlayer.alice.playerSessionId);
  assert.equal(mine.PlayerSessionId, byPlayer.alice.playerSessionId);
  const bobDone = await bob.pollUntil(bobTicket, ['COMPLETED']);
  assert.equal(bobDone.gameSessionConnectionInfo.matchedPlayerSessions[0].playerSessionId,
    byPlayer.bob.playerSessionId);

  // Alice connects with her player session id: the server validates it, once.
  const accepted = await gs.acceptPlayerSession(session.gameSessionId, mine.playerSessionId);
  assert.equal(accepted.status, 200, accepted.text);
  assert.deepEqual(accepted.json.playerSession, {
    playerSessionId: mine.playerSessionId, playerId: 'alice', gameSessionId: session.gameSessionId,
    status: 'ACTIVE',
  });
  const again = await gs.acceptPlayerSession(session.gameSessionId, mine.playerSessionId);
  assert.equal(again.status, 409, again.text);
  assert.equal(again.json.error, 'PLAYER_SESSION_NOT_RESERVED');
  const unknown = await gs.acceptPlayerSession(session.gameSessionId, 'psess-00000000-0000-0000-0000-000000000000');
  assert.equal(unknown.status, 404);
  assert.equal(unknown.json.error, 'PLAYER_SESSION_NOT_FOUND');

  // Another server (another key) cannot act on this game session.
  const other = await s.gameServer({ location: 'us-east-1', maxPlayers: 4, port: 7778 });
  const stolen = await other.acceptPlayerSession(session.gameSessionId, byPlayer.bob.playerSessionId);
  assert.equal(stolen.status, 403, stolen.text);

  // The game ends: the server reports the session, the player reads the rewards.
  const sessionId = hex32();
  const summary = await gs.postSummary({
    playerId: 'alice', sessionId, rewards: ['session_complete', 'team_victory'],
    endTime: new Date().toISOString(),
  });
  assert.equal(summary.status, 200, summary.text);
  assert.equal(summary.json.success, true);
  assert.equal(summary.json.rewardsStored, 2);
  const rewards = await alice.rewards();
  assert.deepEqual(rewards.map((r) => r.rewardId).sort(), ['session_complete', 'team_victory']);
  assert.ok(rewards.every((r) => r.sessionId === sessionId));
  assert.deepEqual(await bob.rewards(), []);

  const left = await gs.removePlayerSession(session.gameSessionId, mine.playerSessionId);
  assert.equal(left.status, 200, left.text);
  assert.equal(left.json.playerSession.status, 'COMPLETED');
  const ended = await gs.end(session.gameSessionId);
  assert.equal(ended.status, 200, ended.text);
  assert.equal(ended.json.gameSession.status, 'TERMINATED');
});

test('a rejected match is never placed; the next one, accepted by all, is', async (t) => {
  const s = await startLoopServer(t, { configurations: CONFIGURATIONS, queues: QUEUES });
  const gs = await s.gameServer({ location: 'eu-west-1', maxPlayers: 4 });
  const [alice, bob, carol] = ['alice', 'bob', 'carol'].map((p) => s.player(p));
  const a = await alice.start({ configurationName: 'duo-accept' });
  const b = await bob.start({ configurationName: 'duo-accept' });
  await alice.pollUntil(a, ['REQUIRES_ACCEPTANCE']);
  await bob.pollUntil(b, ['REQUIRES_ACCEPTANCE']);
  assert.equal((await alice.accept(a, 'ACCEPT')).status, 200);
  assert.equal((await bob.accept(b, 'REJECT')).status, 200);

  const rejected = await bob.pollUntil(b, ['CANCELLED']);
  assert.equal(rejected.statusReason, 'ACCEPTANCE_REJECTED');
  await alice.pollUntil(a, ['SEARCHING']);
  assert.equal(await gs.nextGameSession(1), null, 'a rejected match reached a game server');

  const c = await carol.start({ configurationName: 'duo-accept' });
  await alice.pollUntil(a, ['REQUIRES_ACCEPTANCE']);
  await carol.pollUntil(c, ['REQUIRES_ACCEPTANCE']);
  assert.equal((await alice.accept(a, 'ACCEPT')).status, 200);
  assert.equal((await carol.accept(c, 'ACCEPT')).status, 200);
  const session = await gs.waitForGameSession();
  assert.ok(session);
  assert.deepEqual(session.playerSessions.map((p) => p.playerId).sort(), ['alice', 'carol']);
  assert.equal((await gs.activate(session.gameSessionId)).status, 200);
  const done = await carol.pollUntil(c, ['COMPLETED']);
  assert.equal(done.gameSessionConnectionInfo.gameSessionArn, session.gameSessionArn);
});

test('a match no registered server can ever host FAILS with the reason', async (t) => {
  const s = await startLoopServer(t, { configurations: CONFIGURATIONS, queues: QUEUES });
  await s.gameServer({ location: 'eu-west-1', maxPlayers: 2 });
  await s.gameServer({ location: 'ap-northeast-1', maxPlayers: 10 }); // not in the queue
  const players = ['ann', 'ben', 'cid'].map((p) => s.player(p));
  const tickets = [];
  for (const p of players) tickets.push(await p.start({ configurationName: 'trio' }));
  for (let i = 0; i < players.length; i++) {
    const failed = await players[i].pollUntil(tickets[i], ['FAILED', 'COMPLETED', 'TIMED_OUT']);
    assert.equal(failed.status, 'FAILED', JSON.stringify(failed));
    assert.equal(failed.statusReason, 'PLACEMENT_FAILED');
    assert.match(failed.statusMessage, /no game server can host 3 players in locations eu-west-1, us-east-1/);
    assert.equal(failed.gameSessionConnectionInfo, undefined);
  }
});

test('a server that dies before activating loses its placement to another server', async (t) => {
  const s = await startLoopServer(t, { configurations: CONFIGURATIONS, queues: QUEUES, heartbeatTimeout: 3 });
  // eu-west-1 is nearer for both players, so the first placement goes there.
  const near = await s.gameServer({ location: 'eu-west-1', maxPlayers: 4, port: 7001 });
  const far = await s.gameServer({ location: 'us-east-1', maxPlayers: 4, port: 7002 });
  const latencyInMs = { 'eu-west-1': 20, 'us-east-1': 60 };
  const alice = s.player('alice');
  const bob = s.player('bob');
  const nearGets = near.waitForGameSession();
  const a = await alice.start({ configurationName: 'duo', latencyInMs });
  await bob.start({ configurationName: 'duo', latencyInMs });

  const first = await nearGets;
  assert.ok(first, 'the nearer server got no game session');
  near.stopHeartbeats(); // crashes before activating
  const farGets = far.waitForGameSession(15000);
  const second = await farGets;
  assert.ok(second, 'the placement did not move to the other server');
  assert.equal(second.location, 'us-east-1');
  assert.deepEqual(second.playerSessions.map((p) => p.playerId).sort(), ['alice', 'bob']);
  assert.equal((await alice.status(a)).json.status, 'PLACING');

  // The dead server is gone: its heartbeat is refused and it cannot activate the old session.
  const late = await near.heartbeat();
  assert.equal(late.status, 404, late.text);
  assert.equal(late.json.error, 'GAME_SERVER_NOT_FOUND');
  const stale = await near.activate(first.gameSessionId);
  assert.notEqual(stale.status, 200, stale.text);

  assert.equal((await far.activate(second.gameSessionId)).status, 200);
  const done = await alice.pollUntil(a, ['COMPLETED']);
  assert.equal(done.gameSessionConnectionInfo.gameSessionArn, second.gameSessionArn);
  assert.equal(done.gameSessionConnectionInfo.port, 7002);
});

test('a server that dies before activating, with no room elsewhere: the match searches again', async (t) => {
  const s = await startLoopServer(t, { configurations: CONFIGURATIONS, queues: QUEUES, heartbeatTimeout: 3 });
  // The only other server is full with a game of its own.
  const busy = await s.gameServer({ location: 'us-east-1', maxPlayers: 2, port: 7002 });
  const [xan, yul] = [s.player('xan'), s.player('yul')];
  const busyGets = busy.waitForGameSession();
  const x = await xan.start({ configurationName: 'duo' });
  await yul.start({ configurationName: 'duo' });
  const running = await busyGets;
  assert.ok(running);
  assert.equal((await busy.activate(running.gameSessionId)).status, 200);
  await xan.pollUntil(x, ['COMPLETED']);

  const doomed = await s.gameServer({ location: 'eu-west-1', maxPlayers: 2, port: 7001 });
  const [alice, bob] = [s.player('alice'), s.player('bob')];
  const doomedGets = doomed.waitForGameSession();
  const a = await alice.start({ configurationName: 'duo' });
  await bob.start({ configurationName: 'duo' });
  const first = await doomedGets;
  assert.ok(first, 'the free server got no game session');
  const placedAt = Date.now();
  doomed.stopHeartbeats();

  // Taken out after 3 s; the placement then has nowhere to go until the queue's 10 s pass and
  // the tickets search again (and are matched again, into a new placement that waits).
  await new Promise((r) => setTimeout(r, 11500 - (Date.now() - placedAt)));
  assert.equal((await doomed.heartbeat()).status, 404);
  assert.ok(['SEARCHING', 'PLACING'].includes((await alice.status(a)).json.status));

  // Room appears: the new match lands on the remaining server.
  const busyGetsAgain = busy.waitForGameSession();
  assert.equal((await busy.end(running.gameSessionId)).status, 200);
  const second = await busyGetsAgain;
  assert.ok(second, 'the match was not placed once room appeared');
  assert.deepEqual(second.playerSessions.map((p) => p.playerId).sort(), ['alice', 'bob']);
  assert.notEqual(JSON.parse(second.matchmakerData).matchId, JSON.parse(first.matchmakerData).matchId,
    'the players were not matched again');
  assert.equal((await busy.activate(second.gameSessionId)).status, 200);
  const done = await alice.pollUntil(a, ['COMPLETED']);
  assert.equal(done.gameSessionConnectionInfo.port, 7002);
});

test('while no server has room, placement times out, the tickets search again, then time out', async (t) => {
  const s = await startLoopServer(t, { configurations: CONFIGURATIONS, queues: QUEUES });
  const gs = await s.gameServer({ location: 'eu-west-1', maxPlayers: 2 });
  // A first match fills the server.
  const [ann, ben, cid, dot] = ['ann', 'ben', 'cid', 'dot'].map((p) => s.player(p));
  const first = gs.waitForGameSession();
  const annTicket = await ann.start({ configurationName: 'duo' });
  await ben.start({ configurationName: 'duo' });
  const session = await first;
  assert.ok(session);
  assert.equal((await gs.activate(session.gameSessionId)).status, 200);
  await ann.pollUntil(annTicket, ['COMPLETED']);

  // The next one can wait for room only as long as the queue allows (1 s), then searches
  // again, is matched again, ... until its request time-out (5 s).
  const started = Date.now();
  const c = await cid.start({ configurationName: 'duo-short' });
  const d = await dot.start({ configurationName: 'duo-short' });
  const { ticket, seen } = await cid.longPollUntil(c, ['TIMED_OUT'], 20000);
  assert.ok(seen.includes('PLACING'), `statuses seen: ${seen}`);
  assert.equal(ticket.statusReason, 'REQUEST_TIMED_OUT');
  assert.ok(Date.now() - started >= 4000, 'timed out before the request time-out');
  assert.equal((await dot.pollUntil(d, ['TIMED_OUT'])).status, 'TIMED_OUT');
  assert.equal(await gs.nextGameSession(0), null, 'a game session was placed on a full server');
});
