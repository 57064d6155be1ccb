// The CLI: version and --help on every command.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { runCli } from './lib/server.mjs';

test('version prints the version and exits 0', async () => {
  const r = await runCli(['version']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^session-api \d+\.\d+\.\d+/);
});

test('--help lists the subcommands', async () => {
  const r = await runCli(['--help']);
  assert.equal(r.code, 0);
  for (const name of ['serve', 'config', 'version']) assert.match(r.stdout, new RegExp(`\\b${name}\\b`));
});

test('serve --help lists its flags', async () => {
  const r = await runCli(['serve', '--help']);
  assert.equal(r.code, 0);
  for (const flag of ['--config', '--listen', '--data-dir']) assert.ok(r.stdout.includes(flag), r.stdout);
});

test('config check --help explains itself', async () => {
  const r = await runCli(['config', 'check', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /--config/);
  assert.match(r.stdout, /redacted/);
});

test('no subcommand or an unknown flag is a usage error', async () => {
  assert.notEqual((await runCli([])).code, 0);
  const r = await runCli(['serve', '--no-such-flag']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /no-such-flag/);
});

test('a missing config file is an error naming it', async () => {
  const r = await runCli(['config', 'check', '--config', '/nonexistent/session-api.toml']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /\/nonexistent\/session-api\.toml/);
});
