// No summary lost: under concurrent signed summaries, SIGKILL the server again and again;
// after each restart every summary that was answered 200 is there with all its rewards, and
// replaying it answers 200 with the same body.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, runCli, tempFile } from './lib/server.mjs';
import { send, smithySign } from './lib/sigv4.mjs';

const KILLS = 10;
const WORKERS = 8; // one player each

test('every acknowledged summary survives 10 SIGKILLs under load', { timeout: 300000 }, async (t) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'session-api-crash-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  // A fixed issuer, so that player tokens stay valid across restarts on new ports.
  const configFile = tempFile('config.toml', '[auth]\nlocal_issuer = "http://session-api.test/local"\n');
  const cli = async (args) => {
    const r = await runCli([...args, '--config', configFile, '--data-dir', dataDir]);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.trim();
  };
  const creds = JSON.parse(await cli(['credentials', 'create', '--name', 'game-server-1']));
  const tokens = [];
  for (let w = 0; w < WORKERS; w++) tokens.push(await cli(['token', '--player', `p${w}`]));
  const start = () => startServer({ t, dataDir, args: ['--config', configFile] });

  const post = async (server, summary) => {
    const body = JSON.stringify(summary);
    return send(server, await smithySign(server, creds, {
      method: 'POST', path: '/session-summary', headers: { 'content-type': 'application/json' }, body,
    }));
  };

  let server = await start();
  const acknowledged = []; // {summary, text}
  let sequence = 0;
  for (let round = 0; round < KILLS; round++) {
    let stop = false;
    const worker = async (w) => {
      while (!stop) {
        const n = sequence++;
        // A reward unique to this summary shows that its rows were written.
        const summary = {
          playerId: `p${w}`, sessionId: n.toString(16).padStart(32, '0'),
          rewards: [`r_${n}`, 'session_complete'],
        };
        try {
          const r = await post(server, summary);
          if (r.status === 200) acknowledged.push({ summary, text: r.text });
          else if (r.status !== 503) assert.fail(`unexpected ${r.status}: ${r.text}`);
        } catch (e) {
          if (e.code === 'ERR_ASSERTION') throw e;
          return; // the server is gone: requests in flight were never acknowledged
        }
      }
    };
    const workers = Array.from({ length: WORKERS }, (_, w) => worker(w));
    await new Promise((resolve) => setTimeout(resolve, 200 + Math.floor(Math.random() * 400)));
    await server.kill(); // SIGKILL while the workers are sending
    stop = true;
    await Promise.all(workers);
    server = await start();

    const held = new Map(); // player -> Map(rewardId -> sessionId)
    for (let w = 0; w < WORKERS; w++) {
      const res = await server.fetch(`/players/p${w}/rewards`, { headers: { authorization: tokens[w] } });
      const body = await res.json();
      assert.equal(res.status, 200, JSON.stringify(body));
      held.set(`p${w}`, new Map(body.rewards.map((r) => [r.rewardId, r.sessionId])));
    }
    for (const { summary } of acknowledged) {
      assert.equal(held.get(summary.playerId).get(summary.rewards[0]), summary.sessionId,
        `round ${round}: acknowledged summary lost: ${JSON.stringify(summary)}`);
      assert.ok(held.get(summary.playerId).has('session_complete'));
    }
    // Game servers retry after a restart: the answer is the one they were given before.
    for (const { summary, text } of acknowledged.slice(-20)) {
      const r = await post(server, summary);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.text, text);
    }
  }
  assert.ok(acknowledged.length > 100, `only ${acknowledged.length} summaries acknowledged`);
  const { code } = await server.stop();
  assert.equal(code, 0);
});
