// `session-api ruleset validate`: the public corpus validates, mistakes come back with paths.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { runCli } from './lib/server.mjs';

function jsonFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...jsonFiles(p));
    else if (name.endsWith('.json')) out.push(p);
  }
  return out.sort();
}

function tempFile(name, text) {
  const dir = mkdtempSync(join(tmpdir(), 'ruleset-'));
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

test('every rule set of the public corpus is valid', async () => {
  const files = jsonFiles('testdata/flexmatch');
  assert.ok(files.length >= 25);
  const r = await runCli(['ruleset', 'validate', ...files]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  for (const f of files) assert.ok(r.stdout.includes(`${f}: valid`), f);
  assert.match(r.stdout, /comment at line \d+: JSON has no comments and the AWS API refuses/);
  assert.match(r.stdout, /non-standard expression "avg\(teams\[red\]\.players\.skill\)"/);
});

test('an invalid rule set exits 1 with every error and its JSON path', async () => {
  const bad = tempFile('bad.json', JSON.stringify({
    ruleLanguageVersion: '1.0',
    teams: [{ name: 'red', minPlayers: 5, maxPlayers: 4 }],
    rules: [{ name: 'fair', type: 'distance', measurements: ['avg(teams[blue].players.attributes[skill])'],
              referenceValue: 10, maxDistance: 'far' }],
  }));
  const r = await runCli(['ruleset', 'validate', bad]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /bad\.json: invalid \(3 errors\)/);
  assert.match(r.stdout, /error: teams\[0\]\.minPlayers: minPlayers 5 is larger than maxPlayers 4/);
  assert.match(r.stdout, /error: rules\[0\]\.measurements\[0\]: .*unknown team "blue"/);
  assert.match(r.stdout, /error: rules\[0\]\.maxDistance: expected a number, found the string "far"/);
});

test('--json reports each file for machines', async () => {
  const good = 'testdata/flexmatch/moepig__fmlocal/deploy__local__rulesets__2v2-backfill.json';
  const bad = tempFile('broken.json', '{"teams": [');
  const r = await runCli(['ruleset', 'validate', '--json', good, bad]);
  assert.equal(r.code, 1);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.valid, false);
  assert.deepEqual(doc.files.map((f) => f.valid), [true, false]);
  assert.deepEqual(doc.files[0].errors, []);
  assert.equal(doc.files[1].errors[0].path, '');
  assert.match(doc.files[1].errors[0].message, /not valid JSON/);
});

test('a file that cannot be read is an error, not a crash', async () => {
  const r = await runCli(['ruleset', 'validate', '/nonexistent/rules.json']);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /cannot read the file/);
});
