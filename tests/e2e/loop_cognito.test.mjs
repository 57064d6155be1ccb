// The loop with a real Cognito-compatible issuer: a player logs into a cognito-local user pool
// (AWS SDK, USER_PASSWORD_AUTH) and plays with the ID token, as the game client does; the
// game server's SigV4 side is unchanged. Player ids are the token's `sub`.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startCognitoLocal } from './lib/cognito_local.mjs';
import { startLoopServer, teamOf } from './lib/loop.mjs';

const USER = 'player-one@example.com';
const PASSWORD = 'Corr3ct-Horse-Battery';

let cognito;
let pool;
let tokens;

before(async () => {
  cognito = await startCognitoLocal();
  pool = await cognito.createPoolWithUser({ username: USER, password: PASSWORD });
  tokens = await cognito.login({ clientId: pool.clientId, username: USER, password: PASSWORD });
});

after(async () => {
  await cognito.stop().catch(() => {});
});

test('a cognito-local player is matched, placed, validated and rewarded', async (t) => {
  const s = await startLoopServer(t, {
    configurations: [{
      name: 'solo', ruleSetBody: teamOf(1), flexMatchMode: 'WITH_QUEUE', requestTimeoutSeconds: 30,
    }],
    queues: [], // the embedded default queue
    extraConfig: [
      '[auth]',
      `issuer = ${JSON.stringify(cognito.issuer(pool.poolId))}`,
      `client_ids = [${JSON.stringify(pool.clientId)}]`,
    ].join('\n'),
  });
  const gs = await s.gameServer({ location: 'eu-central-1', maxPlayers: 15, port: 7777 });
  const player = s.player(pool.sub, tokens.idToken);

  const arrives = gs.waitForGameSession();
  const ticketId = await player.start({ latencyInMs: { 'eu-central-1': 35 } });
  const session = await arrives;
  assert.ok(session, 'the server got no game session');
  assert.deepEqual(session.playerSessions.map((p) => p.playerId), [pool.sub]);
  assert.equal((await gs.activate(session.gameSessionId)).status, 200);

  const { ticket } = await player.longPollUntil(ticketId, ['COMPLETED']);
  const info = ticket.gameSessionConnectionInfo;
  assert.equal(info.ipAddress, '127.0.0.1');
  assert.equal(info.port, 7777);
  const [mine] = info.matchedPlayerSessions;
  assert.equal(mine.playerId, pool.sub);

  const accepted = await gs.acceptPlayerSession(session.gameSessionId, mine.playerSessionId);
  assert.equal(accepted.status, 200, accepted.text);
  assert.equal(accepted.json.playerSession.playerId, pool.sub);

  const sessionId = randomUUID().replace(/-/g, '');
  const summary = await gs.postSummary({ playerId: pool.sub, sessionId, rewards: ['first_objective_complete'] });
  assert.equal(summary.status, 200, summary.text);
  const rewards = await player.rewards();
  assert.deepEqual(rewards.map((r) => [r.rewardId, r.sessionId]), [['first_objective_complete', sessionId]]);

  // The access token is not what the game sends, and is refused by default.
  const withAccess = s.player(pool.sub, tokens.accessToken);
  assert.equal((await withAccess.status(ticketId)).status, 401);
});
