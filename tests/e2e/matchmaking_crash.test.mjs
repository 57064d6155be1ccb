// Durable tickets: under load, SIGKILL the server again and again; after each restart every
// ticket that was answered 200 is found, with its original startTime.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, runCli, tempFile } from './lib/server.mjs';

const KILLS = 10;
const WORKERS = 8;
const PLAYERS = WORKERS * 2; // each worker has its own two players

test('every acknowledged ticket survives 10 SIGKILLs under load', { timeout: 300000 }, async (t) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'session-api-crash-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  // A fixed issuer, so that tokens stay valid across restarts on new ports; a rule set that
  // never matches (a team of 20, more than there are players), so that tickets keep
  // searching; no rate limit.
  const configurations = tempFile(
    'configurations.json',
    JSON.stringify({
      configurations: [
        {
          name: 'crowd',
          requestTimeoutSeconds: 3600,
          ruleSetBody: {
            ruleLanguageVersion: '1.0',
            playerAttributes: [{ name: 'skill', type: 'number', default: 10 }],
            teams: [{ name: 'all', minPlayers: 20, maxPlayers: 20 }],
          },
        },
      ],
    }),
  );
  const configFile = tempFile(
    'config.toml',
    [
      'matchmaking_configuration_name = "crowd"',
      '[auth]',
      'local_issuer = "http://session-api.test/local"',
      '[matchmaking]',
      `configurations_file = ${JSON.stringify(configurations)}`,
      'rate_limit_per_second = 0',
    ].join('\n'),
  );
  const start = () => startServer({ t, dataDir, args: ['--config', configFile] });

  let server = await start();
  const tokens = [];
  for (let i = 0; i < PLAYERS; i++) {
    const r = await runCli(['token', '--player', `p${i}`, '--config', configFile, '--data-dir', dataDir]);
    assert.equal(r.code, 0, r.stderr);
    tokens.push(r.stdout.trim());
  }

  const acknowledged = []; // {ticketId, startTime, player}
  for (let round = 0; round < KILLS; round++) {
    let stop = false;
    const worker = async (w) => {
      for (let n = 0; !stop; n++) {
        const player = w + WORKERS * (n % 2);
        try {
          const res = await server.fetch('/matchmaking/start', {
            method: 'POST',
            headers: { authorization: `Bearer ${tokens[player]}`, 'content-type': 'application/json' },
            body: JSON.stringify({ playerId: `p${player}`, playerAttributes: { skill: n % 50 } }),
          });
          const text = await res.text();
          if (res.status === 200) {
            const body = JSON.parse(text);
            acknowledged.push({ ticketId: body.ticketId, startTime: body.startTime, player });
          }
        } catch {
          return; // the server is gone: requests in flight were never acknowledged
        }
      }
    };
    const workers = Array.from({ length: WORKERS }, (_, w) => worker(w));
    await new Promise((resolve) => setTimeout(resolve, 150 + 50 * round));
    await server.kill(); // SIGKILL while the workers are sending
    stop = true;
    await Promise.all(workers);
    server = await start();

    for (const ticket of acknowledged) {
      const res = await server.fetch(`/matchmaking/status/${ticket.ticketId}`, {
        headers: { authorization: `Bearer ${tokens[ticket.player]}` },
      });
      const body = await res.json();
      assert.equal(res.status, 200, `round ${round}: ticket ${ticket.ticketId}: ${JSON.stringify(body)}`);
      assert.equal(body.startTime, ticket.startTime, `round ${round}: ticket ${ticket.ticketId}`);
      // Searching again, or replaced by a later ticket of the same player.
      assert.ok(['QUEUED', 'SEARCHING', 'CANCELLED'].includes(body.status), body.status);
    }
  }
  assert.ok(acknowledged.length > 100, `only ${acknowledged.length} tickets acknowledged`);
  // Each player has exactly one active ticket: the others were replaced.
  const active = new Map();
  for (const ticket of acknowledged) {
    const res = await server.fetch(`/matchmaking/status/${ticket.ticketId}`, {
      headers: { authorization: `Bearer ${tokens[ticket.player]}` },
    });
    const body = await res.json();
    if (body.status === 'CANCELLED') {
      assert.equal(body.statusReason, 'REPLACED');
    } else {
      active.set(ticket.player, (active.get(ticket.player) ?? 0) + 1);
    }
  }
  for (const [player, count] of active) assert.equal(count, 1, `player p${player}`);
  await server.stop();
});
