// A 503 the service answers because its store cannot take a write carries Retry-After, so that
// game servers and games wait as asked instead of guessing. The store is made to refuse writes
// for real: another process holds SQLite's write lock while the service's busy time-out is 0.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { startServer } from './lib/server.mjs';
import { createCredential, send, smithySign, waitUntilKnown } from './lib/sigv4.mjs';
import { checkResponse } from './lib/openapi.mjs';

// Holds the database's write lock from a sqlite3 shell until release() is called.
async function holdWriteLock(t, dbFile) {
  const shell = spawn('sqlite3', [dbFile], { stdio: ['pipe', 'pipe', 'pipe'] });
  t.after(() => shell.kill('SIGKILL'));
  let out = '';
  let err = '';
  shell.stderr.on('data', (d) => (err += d));
  const locked = new Promise((resolve, reject) => {
    shell.stdout.on('data', (d) => {
      out += d;
      if (out.includes('locked')) resolve();
    });
    shell.on('exit', (code) => reject(new Error(`sqlite3 exited (${code}): ${err}`)));
    shell.on('error', reject);
  });
  shell.stdin.write("PRAGMA busy_timeout = 5000;\nBEGIN IMMEDIATE;\nSELECT 'locked';\n");
  await locked;
  return {
    release: () => new Promise((resolve) => {
      shell.removeAllListeners('exit');
      shell.on('exit', resolve);
      shell.stdin.end('COMMIT;\n.quit\n');
    }),
  };
}

test('a store that refuses writes answers 503 STORAGE_FAILED with Retry-After: 1', async (t) => {
  const server = await startServer({ t, config: '[store]\nbusy_timeout_ms = 0\n' });
  const creds = await createCredential(server, 'game-server-1');
  await waitUntilKnown(server, creds);
  const post = async (sessionId) => {
    const body = JSON.stringify({ playerId: 'p1', sessionId, rewards: ['session_complete'] });
    return send(server, await smithySign(server, creds, {
      method: 'POST', path: '/session-summary', headers: { 'content-type': 'application/json' }, body,
    }));
  };

  const lock = await holdWriteLock(t, path.join(server.dir, 'data', 'session-api.db'));
  const refused = await post('a'.repeat(32));
  assert.equal(refused.status, 503, refused.text);
  assert.equal(refused.json.error, 'STORAGE_FAILED');
  assert.equal(refused.headers['retry-after'], '1');
  checkResponse('POST', '/session-summary', refused.status, refused.headers, refused.json);

  // Once the lock is gone, the retry the header asked for goes through.
  await lock.release();
  await new Promise((resolve) => setTimeout(resolve, Number(refused.headers['retry-after']) * 1000));
  const accepted = await post('a'.repeat(32));
  assert.equal(accepted.status, 200, accepted.text);
  assert.equal(accepted.headers['retry-after'], undefined);

  const { code } = await server.stop();
  assert.equal(code, 0);
});
