// `session-api demo`: the service, simulated game servers and players over real HTTP through
// the client SDK; exit code 0 only when every player got a game.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BIN } from './lib/server.mjs';

function runDemo(args, timeoutMs = 90000) {
  return new Promise((resolve, reject) => {
    const env = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (!k.startsWith('SESSION_API_')) env[k] = v;
    }
    const child = spawn(BIN, ['demo', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`demo did not finish in ${timeoutMs} ms:\n${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function summaryOf(stdout) {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

test('every player gets a game, is validated by its server and gets a session summary', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'session-api-demo-e2e-'));
  try {
    const { code, stdout, stderr } = await runDemo([
      '--players', '12', '--servers', '3', '--arrival-seconds', '1', '--play-seconds', '0.5',
      '--data-dir', path.join(dir, 'data'), '--json',
    ]);
    assert.equal(code, 0, stderr);
    const s = summaryOf(stdout);
    assert.equal(s.players, 12);
    assert.equal(s.playersInGame, 12);
    assert.ok(s.matches >= 2 && s.matches <= 3, `two teams of 2 to 4: ${s.matches} matches`);
    assert.equal(s.gamesEnded, s.matches);
    assert.equal(s.sessionSummaries, 12);
    assert.ok(s.rewardsStored >= 12, 'every player gets session_complete at least');
    assert.equal(s.rewardsReadBack, 12, 'every player reads its rewards back');
    const placed = Object.values(s.placementsPerRegion).reduce((a, b) => a + b, 0);
    assert.equal(placed, s.matches);
    for (const region of Object.keys(s.placementsPerRegion)) {
      assert.ok(['eu-west-1', 'us-east-1', 'ap-southeast-2'].includes(region), region);
    }
    assert.ok(s.timeToMatchP50Seconds > 0 && s.timeToMatchP50Seconds <= s.timeToMatchP99Seconds);
    assert.deepEqual(s.failures, {});
    // The progress went to stderr, and a given data directory stays with the service's log.
    assert.match(stderr, /players: .* in a game/);
    assert.ok(existsSync(path.join(dir, 'data', 'demo-service.log')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a player who cannot get a game makes the demo fail', async () => {
  // One player never forms two teams of at least one each.
  const { code, stdout, stderr } = await runDemo([
    '--players', '1', '--servers', '1', '--timeout', '2', '--json',
  ]);
  assert.equal(code, 1, stderr);
  const s = summaryOf(stdout);
  assert.equal(s.playersInGame, 0);
  assert.equal(s.matches, 0);
  assert.deepEqual(s.failures, { 'no game within 2 s': 1 });
});

test('--url needs the data directory of that service', async () => {
  const { code, stderr } = await runDemo(['--url', 'http://127.0.0.1:9']);
  assert.equal(code, 1);
  assert.match(stderr, /--url needs --data-dir/);
});
