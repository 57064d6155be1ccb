// A heartbeat that reports more players than the server registered room for (`maxPlayers`) is
// a bug in the game server: over real HTTP it is 400 INVALID_REQUEST naming both numbers, and
// it changes nothing (neither health nor liveness).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/server.mjs';
import { createCredential, send, aws4Sign, waitUntilKnown } from './lib/sigv4.mjs';
import { checkResponse } from './lib/openapi.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

test('playerCount above maxPlayers is refused whole with a 400 naming both', async (t) => {
  const server = await startServer({
    t, config: '[fleet]\nheartbeat_interval_seconds = 1\nheartbeat_timeout_seconds = 2\n',
  });
  const creds = await createCredential(server, 'host-1');
  await waitUntilKnown(server, creds);
  const gs = (method, path, body) => send(server, aws4Sign(server, creds, {
    method, path, body: body === undefined ? undefined : JSON.stringify(body),
  }));

  const registered = await gs('POST', '/game-servers', {
    gameServerId: 'gs-1', ipAddress: '10.0.0.1', port: 7777, location: 'eu-west-1', maxPlayers: 4,
  });
  assert.equal(registered.status, 200, registered.text);

  const full = await gs('POST', '/game-servers/gs-1/heartbeat', { playerCount: 4, health: 'HEALTHY' });
  assert.equal(full.status, 200, full.text);

  const over = await gs('POST', '/game-servers/gs-1/heartbeat', { playerCount: 5, health: 'UNHEALTHY' });
  assert.equal(over.status, 400, over.text);
  assert.equal(over.json.error, 'INVALID_REQUEST');
  assert.equal(over.json.message, "playerCount 5 is more than the server's maxPlayers 4");
  checkResponse('POST', '/game-servers/{gameServerId}/heartbeat', over.status, over.headers, over.json);

  const next = await gs('POST', '/game-servers/gs-1/heartbeat', {});
  assert.equal(next.status, 200, next.text);
  assert.equal(next.json.health, 'HEALTHY', 'the refused heartbeat did not change the health');

  // Only refused heartbeats for longer than the time-out: the server is taken out.
  const deadline = Date.now() + 3500;
  while (Date.now() < deadline) {
    const r = await gs('POST', '/game-servers/gs-1/heartbeat', { playerCount: 5 });
    if (r.status === 404) break;
    assert.equal(r.status, 400, r.text);
    await sleep(250);
  }
  const gone = await gs('POST', '/game-servers/gs-1/heartbeat', { playerCount: 1 });
  assert.equal(gone.status, 404, 'refused heartbeats do not keep a server alive');
  assert.equal(gone.json.error, 'GAME_SERVER_NOT_FOUND');

  const { code } = await server.stop();
  assert.equal(code, 0);
});
