// Players and rule sets for the tests of the matchmaking routes.
//
//   const token = playerTokens(server);           // token('alice') -> bearer token, minted once
//   const rules = versusRuleSet(2);               // red against blue, 2 players each

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { runCli } from './server.mjs';

// Tokens of the server's local issuer (`session-api token`, with the server's data dir and
// config.toml when it has one), one per player, made on first use.
export function playerTokens(server, dataDir = path.join(server.dir, 'data')) {
  const tokens = new Map();
  const config = path.join(server.dir, 'config.toml');
  const extra = existsSync(config) ? ['--config', config] : [];
  return async (player) => {
    if (!tokens.has(player)) {
      const r = await runCli(['token', '--player', player, '--data-dir', dataDir, ...extra]);
      assert.equal(r.code, 0, r.stderr);
      tokens.set(player, r.stdout.trim());
    }
    return tokens.get(player);
  };
}

// Two teams, red and blue, of exactly `size` players each.
export function versusRuleSet(size, playerAttributes = [{ name: 'skill', type: 'number', default: 10 }]) {
  return {
    name: `teams-of-${size}`,
    ruleLanguageVersion: '1.0',
    playerAttributes,
    teams: [
      { name: 'red', minPlayers: size, maxPlayers: size },
      { name: 'blue', minPlayers: size, maxPlayers: size },
    ],
  };
}
