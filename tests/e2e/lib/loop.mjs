// The whole loop over real HTTP: players (bearer tokens) and simulated game servers (SigV4
// with aws4) against one real session-api with WITH_QUEUE configurations and short queues.
//
//   const s = await startLoopServer(t, { configurations, queues });
//   const gs = await s.gameServer({ location: 'eu-west-1', maxPlayers: 4 });
//   const alice = s.player('alice');
//   const ticket = await alice.start({ configurationName: 'duo' });
//   const session = await gs.nextGameSession(10);
//
// Everything follows the contract in docs/game-server-api.md and /matchmaking/* routes.

import assert from 'node:assert/strict';
import path from 'node:path';
import { startServer, runCli, tempFile } from './server.mjs';
import { createCredential, send, aws4Sign, waitUntilKnown } from './sigv4.mjs';

export const FINAL = ['COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT'];

// A rule set of one team `players` of exactly `size`.
export function teamOf(size, name = `team-of-${size}`) {
  return {
    name,
    ruleLanguageVersion: '1.0',
    playerAttributes: [{ name: 'skill', type: 'number', default: 10 }],
    teams: [{ name: 'players', minPlayers: size, maxPlayers: size }],
  };
}

// Starts the service with `configurations` (array) and `queues` (array) written to temp
// files, heartbeats every second and a server taken out after `heartbeatTimeout` seconds.
export async function startLoopServer(t, {
  configurations, queues, defaultConfiguration = configurations[0].name, heartbeatTimeout = 3,
  extraConfig = '',
} = {}) {
  const configFile = tempFile('configurations.json', JSON.stringify({ configurations }));
  const queuesFile = tempFile('queues.json', JSON.stringify({ queues }));
  const config = [
    `matchmaking_configuration_name = ${JSON.stringify(defaultConfiguration)}`,
    extraConfig,
    '[matchmaking]',
    `configurations_file = ${JSON.stringify(configFile)}`,
    '[fleet]',
    `queues_file = ${JSON.stringify(queuesFile)}`,
    'heartbeat_interval_seconds = 1',
    `heartbeat_timeout_seconds = ${heartbeatTimeout}`,
  ].join('\n');
  const server = await startServer({ t, config });
  return new LoopServer(t, server);
}

export class LoopServer {
  constructor(t, server) {
    this.t = t;
    this.server = server;
    this.tokens = new Map();
    this.servers = [];
    t.after(() => { for (const gs of this.servers) gs.stopHeartbeats(); });
  }

  // A token of the local issuer for `playerId`.
  async token(playerId) {
    if (!this.tokens.has(playerId)) {
      const r = await runCli(['token', '--player', playerId,
        '--data-dir', path.join(this.server.dir, 'data'),
        '--config', path.join(this.server.dir, 'config.toml')]);
      assert.equal(r.code, 0, r.stderr);
      this.tokens.set(playerId, r.stdout.trim());
    }
    return this.tokens.get(playerId);
  }

  // A player who calls with a local-issuer token, or with `token` when given.
  player(playerId, token) {
    return new Player(this.server, playerId, token ?? (() => this.token(playerId)));
  }

  // A registered game server with its own SigV4 key, heartbeating every second.
  async gameServer(spec) {
    const creds = await createCredential(this.server, `gs-${this.servers.length}-${Date.now()}`);
    await waitUntilKnown(this.server, creds);
    const gs = new GameServer(this.server, creds);
    this.servers.push(gs);
    const r = await gs.register({ ipAddress: '127.0.0.1', port: 7777, ...spec });
    assert.equal(r.status, 200, r.text);
    gs.startHeartbeats();
    return gs;
  }
}

export class Player {
  constructor(server, playerId, token) {
    this.server = server;
    this.playerId = playerId;
    this.tokenSource = token;
  }

  async call(method, p, body) {
    const token = typeof this.tokenSource === 'function' ? await this.tokenSource() : this.tokenSource;
    const res = await this.server.fetch(p, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json = null;
    try { json = JSON.parse(text); } catch { /* not JSON */ }
    return { status: res.status, text, json };
  }

  // POST /matchmaking/start; resolves with the ticket id.
  async start({ configurationName, latencyInMs, skill = 10 } = {}) {
    const playerAttributes = { skill };
    if (latencyInMs) playerAttributes.latencyInMs = latencyInMs;
    const r = await this.call('POST', '/matchmaking/start', {
      playerId: this.playerId, playerAttributes,
      ...(configurationName ? { configurationName } : {}),
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(typeof r.json.ticketId, 'string');
    return r.json.ticketId;
  }

  status(ticketId, query = '') {
    return this.call('GET', `/matchmaking/status/${ticketId}${query}`);
  }

  accept(ticketId, acceptanceType) {
    return this.call('POST', `/matchmaking/accept/${ticketId}`, { acceptanceType });
  }

  // Polls every 100 ms (as a client polls, only faster) until the status is one of `wanted`.
  async pollUntil(ticketId, wanted, timeoutMs = 15000) {
    const deadline = Date.now() + timeoutMs;
    let last;
    for (;;) {
      last = await this.status(ticketId);
      assert.equal(last.status, 200, last.text);
      if (wanted.includes(last.json.status)) return last.json;
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.fail(`ticket ${ticketId} never reached ${wanted.join('/')}; last: ${last.text}`);
  }

  // Long polls (waitSeconds, knownStatus) until the status is one of `wanted`; resolves with
  // the ticket and the statuses seen on the way.
  async longPollUntil(ticketId, wanted, timeoutMs = 30000) {
    const deadline = Date.now() + timeoutMs;
    const seen = [];
    let known = '';
    for (;;) {
      const q = `?waitSeconds=5${known ? `&knownStatus=${known}` : ''}`;
      const r = await this.status(ticketId, q);
      assert.equal(r.status, 200, r.text);
      if (r.json.status !== seen.at(-1)) seen.push(r.json.status);
      if (wanted.includes(r.json.status)) return { ticket: r.json, seen };
      if (FINAL.includes(r.json.status) || Date.now() > deadline) {
        assert.fail(`ticket ${ticketId} ended ${r.text} instead of ${wanted.join('/')}`);
      }
      known = r.json.status;
    }
  }

  async rewards() {
    const r = await this.call('GET', `/players/${encodeURIComponent(this.playerId)}/rewards`);
    assert.equal(r.status, 200, r.text);
    return r.json.rewards;
  }
}

export class GameServer {
  constructor(server, creds) {
    this.server = server;
    this.creds = creds;
    this.id = null;
    this.timer = null;
    this.heartbeats = 0;
  }

  async call(method, p, body) {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const headers = text === undefined ? {} : { 'content-type': 'application/json' };
    return send(this.server, aws4Sign(this.server, this.creds, { method, path: p, headers, body: text }));
  }

  async register(spec) {
    const r = await this.call('POST', '/game-servers', spec);
    if (r.status === 200) this.id = r.json.gameServerId;
    return r;
  }

  heartbeat(body = { health: 'HEALTHY' }) {
    return this.call('POST', `/game-servers/${this.id}/heartbeat`, body);
  }

  startHeartbeats() {
    this.stopHeartbeats();
    this.timer = setInterval(() => {
      this.heartbeat().then(() => { this.heartbeats += 1; }, () => {});
    }, 500);
  }

  // The server goes silent, as a crashed process would.
  stopHeartbeats() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  // The next game session placed on this server (long poll), or null.
  async nextGameSession(waitSeconds = 10) {
    const r = await this.call('GET', `/game-servers/${this.id}/game-session?waitSeconds=${waitSeconds}`);
    assert.equal(r.status, 200, r.text);
    return r.json.gameSession;
  }

  // Long polls until a game session arrives, for up to `timeoutMs`.
  async waitForGameSession(timeoutMs = 20000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const gs = await this.nextGameSession(Math.max(1, Math.min(20, Math.ceil((deadline - Date.now()) / 1000))));
      if (gs) return gs;
    }
    return null;
  }

  activate(gameSessionId) {
    return this.call('POST', `/game-sessions/${gameSessionId}/activate`);
  }

  acceptPlayerSession(gameSessionId, playerSessionId) {
    return this.call('POST', `/game-sessions/${gameSessionId}/player-sessions/${playerSessionId}/accept`);
  }

  removePlayerSession(gameSessionId, playerSessionId) {
    return this.call('DELETE', `/game-sessions/${gameSessionId}/player-sessions/${playerSessionId}`);
  }

  end(gameSessionId) {
    return this.call('POST', `/game-sessions/${gameSessionId}/end`);
  }

  postSummary(summary) {
    return this.call('POST', '/session-summary', summary);
  }
}
