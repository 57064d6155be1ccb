// SIGHUP reloads the matchmaking configurations file without losing tickets: searching
// tickets go on under the new rules with their startTime; a file that does not load changes
// nothing and the service keeps serving.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startServer, tempFile } from './lib/server.mjs';
import { LoopServer } from './lib/loop.mjs';

const duel = (size) => JSON.stringify({
  configurations: [{
    name: 'duel',
    requestTimeoutSeconds: 60,
    ruleSetBody: {
      name: `teams-of-${size}`, ruleLanguageVersion: '1.0',
      playerAttributes: [{ name: 'skill', type: 'number', default: 10 }],
      teams: [{ name: 'red', minPlayers: size, maxPlayers: size }, { name: 'blue', minPlayers: size, maxPlayers: size }],
    },
  }],
});

test('SIGHUP reloads the configurations and the waiting tickets match under the new rules', async (t) => {
  const file = tempFile('configurations.json', duel(2));
  const server = await startServer({
    t, config: `matchmaking_configuration_name = "duel"\n[matchmaking]\nconfigurations_file = ${JSON.stringify(file)}\n`,
  });
  const s = new LoopServer(t, server);
  const alice = s.player('alice');
  const bob = s.player('bob');
  const a = await alice.start();
  const b = await bob.start();
  const before = await alice.pollUntil(a, ['SEARCHING']);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal((await alice.status(a)).json.status, 'SEARCHING', 'two players never make 2 against 2');

  // A file that does not load changes nothing.
  fs.writeFileSync(file, '{"configurations": [');
  server.child.kill('SIGHUP');
  const refused = await server.waitForLog((l) => l.message === 'matchmaking configurations not reloaded');
  assert.match(JSON.stringify(refused), /not valid JSON/);
  assert.equal((await alice.status(a)).json.status, 'SEARCHING');

  fs.writeFileSync(file, duel(1));
  server.child.kill('SIGHUP');
  await server.waitForLog((l) => l.message === 'matchmaking configurations reloaded');
  const done = await alice.pollUntil(a, ['COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT']);
  assert.equal(done.status, 'COMPLETED', JSON.stringify(done));
  assert.equal(done.startTime, before.startTime, 'the ticket kept its startTime');
  assert.equal((await bob.pollUntil(b, ['COMPLETED'])).matchId, done.matchId);
  assert.equal(server.child.exitCode, null, 'the service still runs');
});
