// Configuration: strict start-up errors naming the key, `config check` with redaction,
// precedence defaults < file < environment < flags, and the embedded default.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { runCli, startServer, tempFile } from './lib/server.mjs';

test('an unknown key stops serve with an error naming it', async () => {
  const file = tempFile('config.toml', 'project_name = "x"\n[server]\nlisten_adress = "127.0.0.1:0"\n');
  const r = await runCli(['serve', '--config', file]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /server\.listen_adress: unknown key/);
});

test('bad values are all reported at once, each naming its key', async () => {
  const file = tempFile(
    'config.toml',
    'log_level = "LOUD"\n[server]\nlisten = "localhost"\nthreads = "four"\n[store]\ngroup_commit = "yes"\n',
  );
  const r = await runCli(['serve', '--config', file]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /log_level: expected one of DEBUG, INFO, WARN, ERROR, got "LOUD"/);
  assert.match(r.stderr, /server\.listen: expected HOST:PORT, got "localhost"/);
  assert.match(r.stderr, /server\.threads: expected an integer/);
  assert.match(r.stderr, /store\.group_commit: expected true or false/);
  assert.equal(r.stdout, '', 'nothing started');
});

test('a bad environment value names the variable', async () => {
  const r = await runCli(['config', 'check'], { env: { SESSION_API_SERVER_MAX_BODY_BYTES: '12abc' } });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /server\.max_body_bytes \(from SESSION_API_SERVER_MAX_BODY_BYTES\): expected an integer/);
});

test('a TOML syntax error gives file and line', async () => {
  const file = tempFile('broken.toml', 'project_name = "x"\n[server\n');
  const r = await runCli(['config', 'check', '--config', file]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /broken\.toml:2:/);
});

test('config check prints the effective configuration with secrets redacted', async () => {
  const secret = 'file-secret-for-config-check-31b7';
  const file = tempFile(
    'config.toml',
    `environment = "staging"\n[server]\nbase_path = "/dev"\nmetrics_token = "${secret}"\n`,
  );
  const r = await runCli(['config', 'check', '--config', file], {
    env: { SESSION_API_AWS_REGION: 'us-east-1' },
  });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^environment = 'staging'$/m);
  assert.match(r.stdout, /^aws_region = 'us-east-1'$/m);
  assert.match(r.stdout, /^base_path = '\/dev'$/m);
  assert.match(r.stdout, /^metrics_token = '<redacted>'$/m);
  assert.match(r.stdout, /^listen = '127\.0\.0\.1:8080'$/m, 'defaults are shown too');
  assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret));

  const envSecret = 'env-secret-for-config-check-82c1';
  const fromEnv = await runCli(['config', 'check'], { env: { SESSION_API_SERVER_METRICS_TOKEN: envSecret } });
  assert.equal(fromEnv.code, 0);
  assert.ok(!fromEnv.stdout.includes(envSecret));
  assert.match(fromEnv.stdout, /^metrics_token = '<redacted>'$/m);
});

test('config check output is itself a valid configuration', async () => {
  const first = await runCli(['config', 'check']);
  assert.equal(first.code, 0, first.stderr);
  const file = tempFile('effective.toml', first.stdout);
  const second = await runCli(['config', 'check', '--config', file]);
  assert.equal(second.code, 0, second.stderr);
  assert.equal(second.stdout, first.stdout);
});

test('precedence: defaults < file < environment < flags', async (t) => {
  const root = mkdtempSync(path.join(tmpdir(), 'session-api-precedence-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const dir = (name) => path.join(root, name);
  const config = `data_dir = ${JSON.stringify(dir('from-file'))}\n[server]\nbase_path = "/file"\n`;

  const fileOnly = await startServer({ t, config, dataDir: null });
  assert.equal(fileOnly.listening.data_dir, dir('from-file'));
  assert.equal(fileOnly.listening.base_path, '/file');
  assert.equal((await fileOnly.stop()).code, 0);

  const env = { SESSION_API_DATA_DIR: dir('from-env'), SESSION_API_SERVER_BASE_PATH: '/env' };
  const withEnv = await startServer({ t, config, env, dataDir: null });
  assert.equal(withEnv.listening.data_dir, dir('from-env'));
  const res = await withEnv.fetch('/env/health/live');
  assert.equal(res.status, 200);
  await res.arrayBuffer();
  assert.equal((await withEnv.stop()).code, 0);

  const withFlag = await startServer({ t, config, env, dataDir: dir('from-flag') });
  assert.equal(withFlag.listening.data_dir, dir('from-flag'));
  assert.equal(withFlag.listening.base_path, '/env');
  assert.equal((await withFlag.stop()).code, 0);

  // The environment's listen address loses to --listen: a bad one is never even read.
  const r = await runCli(['serve', '--listen', 'nonsense'], {
    env: { SESSION_API_SERVER_LISTEN: '127.0.0.1:0' },
  });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /server\.listen \(from --listen\): expected HOST:PORT, got "nonsense"/);
});

test('with no configuration at all, serve runs the embedded default in ./data', async (t) => {
  const cwd = mkdtempSync(path.join(tmpdir(), 'session-api-default-'));
  t.after(() => rmSync(cwd, { recursive: true, force: true }));
  const server = await startServer({ t, cwd, dataDir: null });
  assert.equal(server.listening.mode, 'embedded');
  assert.equal(server.listening.data_dir, path.join(cwd, 'data'));
  const ready = await server.fetch('/health/ready');
  assert.equal(ready.status, 200);
  await ready.arrayBuffer();
  assert.equal((await server.stop()).code, 0);
});

test('a listen address that is taken is a clear start-up error', async (t) => {
  const first = await startServer({ t });
  const r = await runCli(['serve', '--listen', `127.0.0.1:${first.port}`, '--data-dir', path.join(first.dir, 'other')]);
  assert.equal(r.code, 1);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  const error = lines.find((l) => l.level === 'ERROR');
  assert.ok(error, r.stdout);
  assert.equal(error.message, 'cannot listen');
});
