// Hostile input against every operation of docs/openapi.yaml that takes a body or
// parameters, with valid authentication: broken JSON, other JSON types, wrong types for each
// field, 100 KiB strings, deep nesting, NUL and invalid UTF-8, a body over the limit, wrong
// content types, and path parameters with %00, .. and 2 KiB. Each must be a 4xx with the
// documented error shape. Raw sockets send what fetch cannot (invalid UTF-8 in the request
// line, broken framing, headers that never end). Afterwards the server still answers and a
// ticket, a session summary and a game server stored before the sweep are all still there.
//
// Decisions the sweep pins down: a JSON body is read whatever its Content-Type says (as API
// Gateway's proxy integration did for the original clients), so a wrong type is refused
// because the body is not a JSON object, not because of the header; `null` for an optional
// field counts as absent, so null is not among the wrong types.
//
// Not swept, on purpose: GET /matchmaking/events (an unknown Last-Event-ID restarts the
// stream from now, docs/events.md), POST /identity/game-server (it ignores its body: it only
// shows that signed bodies are accepted), GET /openapi.json (If-None-Match is a cache
// validator: any value is a 200) and GET /metrics (its one parameter is the token).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, tempFile } from './lib/server.mjs';
import { createCredential, send, smithySign, waitUntilKnown } from './lib/sigv4.mjs';
import { playerTokens, versusRuleSet } from './lib/matchmaking.mjs';
import { document, findTemplate } from './lib/openapi.mjs';
import {
  HUGE_STRING, assertClientError, brokenBodies, outOfRange, rawExchange, resolve, wrongTypes,
} from './lib/hostile.mjs';

const MAX_BODY = 256 * 1024;
const HEADER_TIMEOUT_MS = 1000;
const BODY_TIMEOUT_MS = 1000;
const SESSION_ID = '0123456789abcdef0123456789abcdef';

const configurations = tempFile('configurations.json', JSON.stringify({
  configurations: [
    { name: 'duel', ruleSetBody: versusRuleSet(1), requestTimeoutSeconds: 600 },
    { name: 'accepting', ruleSetBody: versusRuleSet(1), requestTimeoutSeconds: 600,
      acceptanceRequired: true, acceptanceTimeoutSeconds: 300 },
    { name: 'placed', ruleSetBody: versusRuleSet(1), requestTimeoutSeconds: 600,
      flexMatchMode: 'WITH_QUEUE', backfillMode: 'MANUAL' },
  ],
}));

let server;
let creds;
let token;
const kept = {}; // what was stored before the sweep

before(async () => {
  server = await startServer({
    config: [
      'matchmaking_configuration_name = "duel"',
      '[server]', `max_body_bytes = ${MAX_BODY}`, `header_timeout_ms = ${HEADER_TIMEOUT_MS}`,
      `body_timeout_ms = ${BODY_TIMEOUT_MS}`,
      '[matchmaking]', `configurations_file = ${JSON.stringify(configurations)}`,
      'rate_limit_per_second = 0',
    ].join('\n'),
  });
  token = playerTokens(server);
  creds = await createCredential(server, 'hostile-game-server');
  await waitUntilKnown(server, creds);

  const started = await asPlayer('keeper', 'POST', '/matchmaking/start',
    { body: JSON.stringify({ playerId: 'keeper', playerAttributes: { skill: 10 } }) });
  assert.equal(started.status, 200, started.text);
  kept.ticketId = started.json.ticketId;
  const summary = await signed('POST', '/session-summary',
    { body: JSON.stringify({ playerId: 'keeper', sessionId: SESSION_ID, rewards: ['kept'] }) });
  assert.equal(summary.status, 200, summary.text);
  const registered = await signed('POST', '/game-servers', {
    body: JSON.stringify({ gameServerId: 'gs-keep', ipAddress: '203.0.113.7', port: 7777,
      location: 'eu-west-1', maxPlayers: 4 }),
  });
  assert.equal(registered.status, 200, registered.text);
  const accepting = await asPlayer('acceptor', 'POST', '/matchmaking/start', {
    body: JSON.stringify({ playerId: 'acceptor', configurationName: 'accepting' }),
  });
  assert.equal(accepting.status, 200, accepting.text);
  kept.acceptTicketId = accepting.json.ticketId;

  // A game session on gs-keep, so that the routes below a game session read their bodies and
  // nested ids instead of stopping at an unknown one.
  const poll = signed('GET', '/game-servers/gs-keep/game-session?waitSeconds=10');
  for (const p of ['red-1', 'blue-1']) {
    const r = await asPlayer(p, 'POST', '/matchmaking/start',
      { body: JSON.stringify({ playerId: p, configurationName: 'placed' }) });
    assert.equal(r.status, 200, r.text);
  }
  const placed = await poll;
  assert.equal(placed.status, 200, placed.text);
  assert.ok(placed.json.gameSession, placed.text);
  kept.gameSessionId = placed.json.gameSession.gameSessionId;
  kept.playerSessionId = placed.json.gameSession.playerSessions[0].playerSessionId;
});

after(async () => {
  const { code } = await server.stop();
  assert.equal(code, 0, server.lines().slice(-20).join('\n'));
});

function withText(res) {
  let json = null;
  try { json = JSON.parse(res.text); } catch { /* not JSON */ }
  return { ...res, json };
}

// A request exactly as given (node:http does not normalise paths), with a player's token.
async function asPlayer(player, method, path, { body, contentType = 'application/json', headers = {} } = {}) {
  const h = { host: `127.0.0.1:${server.port}`, authorization: `Bearer ${await token(player)}`, ...headers };
  if (body !== undefined) {
    h['content-type'] = contentType;
    h['content-length'] = String(Buffer.byteLength(body));
  }
  return withText(await send(server, { method, path, headers: h, body }));
}

// A request signed with the test credential (@smithy/signature-v4).
async function signed(method, path, { body, contentType = 'application/json' } = {}) {
  const [pathOnly, query = ''] = path.split('?');
  const q = Object.fromEntries(new URLSearchParams(query));
  const headers = body === undefined ? {} : { 'content-type': contentType };
  const request = await smithySign(server, creds, { method, path: pathOnly, query: q, headers, body });
  if (query) request.path = path; // exactly the query we were given
  return withText(await send(server, request));
}

// Statuses any request may get besides the operation's own (the document's `info`).
const ANY_REQUEST = new Set([400, 404, 405, 413, 431]);

function documentedStatuses(method, path) {
  const template = findTemplateSafe(path);
  const op = template && document.paths[template][method.toLowerCase()];
  return new Set(op ? Object.keys(op.responses).map(Number) : []);
}

function findTemplateSafe(path) {
  try { return findTemplate(path); } catch { return null; } // decodeURIComponent of junk
}

// Collects what is wrong instead of stopping at the first, so one run shows every problem.
// The answers seen are tallied into a diagnostic line, to show which checks the sweep reached.
function checker(t) {
  const problems = [];
  const seen = new Map();
  return {
    check(where, method, path, res) {
      const key = `${res.status} ${res.json?.error ?? ''}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
      try {
        assertClientError(where, res.status, res.headers['content-type'], res.text);
        const documented = documentedStatuses(method, path);
        assert.ok(documented.has(res.status) || ANY_REQUEST.has(res.status),
          `${where}: ${res.status} is not documented for ${method} ${findTemplateSafe(path)}`);
      } catch (e) {
        problems.push(e.message.split('\n')[0]);
      }
    },
    done() {
      t.diagnostic([...seen].sort().map(([k, n]) => `${k} x${n}`).join(', '));
      assert.deepEqual(problems, [], `${problems.length} answers were wrong`);
    },
  };
}

// The operations with a JSON body: how to call each, and a body that is valid but for the
// field under test.
const BODY_ROUTES = [
  { op: 'POST /matchmaking/start', path: '/matchmaking/start', player: 'sweeper',
    base: { playerId: 'sweeper', playerAttributes: { skill: 10 }, configurationName: 'duel' } },
  // A party: the fields of players[0] are swept too (`team` belongs to backfill requests).
  { op: 'POST /matchmaking/start', path: '/matchmaking/start', player: 'sweeper', nested: 'players',
    skipNested: ['team'],
    base: { configurationName: 'duel',
      players: [{ playerId: 'sweeper', playerAttributes: { skill: 10 }, latencyInMs: { 'eu-west-1': 20 } }] } },
  { op: 'POST /matchmaking/accept/{ticketId}', path: () => `/matchmaking/accept/${kept.acceptTicketId}`,
    player: 'acceptor', base: { acceptanceType: 'ACCEPT' } },
  { op: 'POST /session-summary', path: '/session-summary', signed: true,
    base: { playerId: 'sweeper', sessionId: SESSION_ID, rewards: ['a'], endTime: '2026-01-01T00:00:00.000Z' } },
  { op: 'POST /game-servers', path: '/game-servers', signed: true,
    base: { gameServerId: 'gs-sweep', ipAddress: '203.0.113.9', port: 7777, dnsName: 'gs.example.org',
      location: 'eu-west-1', maxPlayers: 4, labels: { map: 'arena' } } },
  { op: 'POST /game-servers/{gameServerId}/heartbeat', path: '/game-servers/gs-keep/heartbeat',
    signed: true, base: { playerCount: 1, health: 'HEALTHY' } },
  { op: 'POST /game-sessions/{gameSessionId}/backfill', path: () => `/game-sessions/${kept.gameSessionId}/backfill`,
    signed: true, nested: 'players',
    base: { ticketId: 'backfill-1', players: [{ playerId: 'p', team: 'red', playerAttributes: { skill: 1 } }] } },
];

function requestSchema(op) {
  const [method, template] = op.split(' ');
  const schema = resolve(document.paths[template][method.toLowerCase()].requestBody.content['application/json'].schema);
  return schema.allOf ? Object.assign({}, ...schema.allOf.map(resolve)) : schema;
}

function call(route, body, contentType) {
  const method = route.op.split(' ')[0];
  const path = typeof route.path === 'function' ? route.path() : route.path;
  return route.signed ? signed(method, path, { body, contentType })
    : asPlayer(route.player, method, path, { body, contentType });
}

test('every JSON body route refuses malformed, mistyped and oversized bodies with a 4xx', async (t) => {
  const c = checker(t);
  for (const route of BODY_ROUTES) {
    const [method] = route.op.split(' ');
    const path = typeof route.path === 'function' ? route.path() : route.path;
    const where = (what) => `${route.op} with ${what}`;
    for (const [name, body] of brokenBodies()) {
      c.check(where(name), method, path, await call(route, body));
    }
    const schema = requestSchema(route.op);
    for (const [field, declared] of Object.entries(schema.properties ?? {})) {
      const fieldSchema = resolve(declared);
      for (const value of wrongTypes(fieldSchema)) {
        const body = JSON.stringify({ ...route.base, [field]: value });
        c.check(where(`${field} = ${JSON.stringify(value)}`), method, path, await call(route, body));
      }
      for (const [label, text] of outOfRange(fieldSchema)) {
        const body = JSON.stringify({ ...route.base, [field]: '@VALUE@' }).replace('"@VALUE@"', text);
        c.check(where(`${field} = ${label}`), method, path, await call(route, body));
      }
      if (fieldSchema.type === 'string') {
        const body = JSON.stringify({ ...route.base, [field]: HUGE_STRING });
        c.check(where(`${field} of 100 KiB`), method, path, await call(route, body));
        const nul = JSON.stringify({ ...route.base, [field]: `${route.base[field] ?? 'x'}\u0000` });
        c.check(where(`${field} with an escaped NUL`), method, path, await call(route, nul));
      }
    }
    if (route.nested) {
      const items = resolve(resolve(schema.properties[route.nested]).items);
      const item = items.allOf ? Object.assign({}, ...items.allOf.map(resolve)) : items;
      for (const [field, declared] of Object.entries(item.properties ?? {})) {
        if (route.skipNested?.includes(field)) continue;
        const fieldSchema = resolve(declared);
        const first = route.base[route.nested][0];
        const values = [...wrongTypes(fieldSchema), ...(fieldSchema.type === 'string' ? [HUGE_STRING] : [])];
        for (const value of values) {
          const body = JSON.stringify({ ...route.base, [route.nested]: [{ ...first, [field]: value }] });
          c.check(where(`${route.nested}[0].${field} = ${JSON.stringify(value).slice(0, 20)}`), method, path,
            await call(route, body));
        }
      }
    }
    const over = JSON.stringify({ ...route.base, filler: 'x'.repeat(MAX_BODY) });
    const res = await call(route, over);
    c.check(where('a body over the limit'), method, path, res);
    if (res.status !== 413) c.check(where('a body over the limit (expected 413)'), method, path, { ...res, status: 500 });
    for (const [type, body] of [
      ['text/plain', 'playerId=sweeper'],
      ['application/x-www-form-urlencoded', 'playerId=sweeper&sessionId=s'],
      ['multipart/form-data; boundary=XyZ', '--XyZ\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--XyZ--\r\n'],
      ['application/xml', '<start><playerId>sweeper</playerId></start>'],
    ]) {
      c.check(where(`Content-Type ${type}`), method, path, await call(route, body, type));
    }
  }
  c.done();
});

// Segments a client or proxy might send in place of an id.
const HOSTILE_IDS = [
  ['%00', '%00'], ['a NUL inside', 'a%00b'], ['..', '..'], ['encoded ..', '%2e%2e'],
  ['a path escape', '..%2f..%2fetc%2fpasswd'], ['2 KiB', 'i'.repeat(2048)],
  ['invalid UTF-8', '%ff%fe'], ['a lone %', '%'], ['a bad escape', '%zz'],
  ['SQL', encodeURIComponent("x' OR '1'='1")], ['a space', '%20'],
];

test('path parameters with %00, .., invalid escapes and 2 KiB ids are refused with a 4xx', async (t) => {
  const c = checker(t);
  const player = [
    ['GET', (id) => `/matchmaking/status/${id}`],
    ['DELETE', (id) => `/matchmaking/cancel/${id}`],
    ['POST', (id) => `/matchmaking/accept/${id}`, JSON.stringify({ acceptanceType: 'ACCEPT' })],
    ['GET', (id) => `/players/${id}/rewards`],
    ['GET', (id) => `/players/${id}/sessions`],
  ];
  const gameServer = [
    ['DELETE', (id) => `/game-servers/${id}`],
    ['POST', (id) => `/game-servers/${id}/heartbeat`, '{}'],
    ['GET', (id) => `/game-servers/${id}/game-session`],
    ['GET', (id) => `/game-sessions/${id}`],
    ['POST', (id) => `/game-sessions/${id}/activate`],
    ['POST', (id) => `/game-sessions/${id}/end`],
    ['POST', (id) => `/game-sessions/${id}/player-sessions/${id}/accept`],
    ['DELETE', (id) => `/game-sessions/${id}/player-sessions/${id}`],
    ['POST', (id) => `/game-sessions/${id}/backfill`, '{}'],
    ['DELETE', (id) => `/game-sessions/${id}/backfill/${id}`],
    // A real game session, the id below it hostile.
    ['POST', (id) => `/game-sessions/${kept.gameSessionId}/player-sessions/${id}/accept`],
    ['DELETE', (id) => `/game-sessions/${kept.gameSessionId}/player-sessions/${id}`],
    ['DELETE', (id) => `/game-sessions/${kept.gameSessionId}/backfill/${id}`],
  ];
  for (const [name, id] of HOSTILE_IDS) {
    for (const [method, path, body] of player) {
      const p = path(id);
      c.check(`${method} ${p.slice(0, 80)} (${name})`, method, p, await asPlayer('sweeper', method, p, { body }));
    }
    for (const [method, path, body] of gameServer) {
      const p = path(id);
      c.check(`${method} ${p.slice(0, 80)} (${name}, signed)`, method, p, await signed(method, p, { body }));
    }
  }
  c.done();
});

test('query parameters that are not what the document says are refused with a 4xx', async (t) => {
  const c = checker(t);
  const bad = ['-1', 'abc', '1e3', '1.5', '99999999999999999999', '%00', 'i'.repeat(2048)];
  for (const v of bad) {
    let p = `/matchmaking/status/no-such-ticket?waitSeconds=${v}`;
    c.check(`GET ${p.slice(0, 80)}`, 'GET', p, await asPlayer('sweeper', 'GET', p));
    p = `/players/sweeper/sessions?limit=${v}`;
    c.check(`GET ${p.slice(0, 80)}`, 'GET', p, await asPlayer('sweeper', 'GET', p));
    p = `/game-servers/gs-keep/game-session?waitSeconds=${v}`;
    c.check(`GET ${p.slice(0, 80)} (signed)`, 'GET', p, await signed('GET', p));
    p = `/game-sessions/no-such-session?knownVersion=${v}`;
    if (!/^\d+$/.test(v)) c.check(`GET ${p.slice(0, 80)} (signed)`, 'GET', p, await signed('GET', p));
  }
  for (const cursor of ['garbage', '%00', '%ff', 'c'.repeat(2048)]) {
    const p = `/players/sweeper/sessions?cursor=${cursor}`;
    c.check(`GET ${p.slice(0, 80)}`, 'GET', p, await asPlayer('sweeper', 'GET', p));
  }
  c.done();
});

test('raw requests a client library would not send get a 4xx error or a closed connection', async (t) => {
  const bearer = `Bearer ${await token('sweeper')}`;
  const host = `Host: 127.0.0.1:${server.port}\r\n`;
  const start = (extra, body) => Buffer.concat([
    Buffer.from(`POST /matchmaking/start HTTP/1.1\r\n${host}Authorization: ${bearer}\r\n` +
      `Content-Type: application/json\r\n${extra}\r\n`, 'latin1'),
    Buffer.from(body, 'latin1'),
  ]);
  const cases = [
    ['invalid UTF-8 in the path', Buffer.concat([Buffer.from('GET /matchmaking/status/'),
      Buffer.from([0xff, 0xfe, 0xc0, 0xaf]), Buffer.from(` HTTP/1.1\r\n${host}Authorization: ${bearer}\r\n\r\n`)])],
    ['a raw NUL in the path', Buffer.concat([Buffer.from('GET /health/live'), Buffer.from([0]),
      Buffer.from(` HTTP/1.1\r\n${host}\r\n`)])],
    ['a raw NUL in a header value', Buffer.concat([Buffer.from(`GET /identity/player HTTP/1.1\r\n${host}X-A: a`),
      Buffer.from([0]), Buffer.from('b\r\n\r\n')])],
    ['a header without a colon', Buffer.from(`GET /health/live HTTP/1.1\r\n${host}Broken header\r\n\r\n`)],
    ['Content-Length and Transfer-Encoding both', start('Content-Length: 2\r\nTransfer-Encoding: chunked\r\n', '0\r\n\r\n')],
    ['two different Content-Lengths', start('Content-Length: 2\r\nContent-Length: 5\r\n', '{}')],
    ['a negative Content-Length', start('Content-Length: -1\r\n', '{}')],
    ['a Content-Length that is not a number', start('Content-Length: abc\r\n', '{}')],
    ['a chunk size that is not hex', start('Transfer-Encoding: chunked\r\n', 'zz\r\n{}\r\n0\r\n\r\n')],
    ['a chunked body over the limit', start('Transfer-Encoding: chunked\r\n',
      `${(MAX_BODY + 1).toString(16)}\r\n${'x'.repeat(MAX_BODY + 1)}\r\n0\r\n\r\n`)],
    ['a Content-Length over the limit', start(`Content-Length: ${MAX_BODY * 4}\r\n`, '{')],
    ['a request line of 64 KiB', Buffer.from(`GET /matchmaking/status/${'t'.repeat(64 * 1024)} HTTP/1.1\r\n${host}\r\n`)],
    ['two thousand tiny headers, 16 KB in all', Buffer.from(`GET /health/live HTTP/1.1\r\n${host}${'X-A: a\r\n'.repeat(2000)}\r\n`)],
    ['headers over 8 KiB', Buffer.from(`GET /health/live HTTP/1.1\r\n${host}X-Big: ${'b'.repeat(16 * 1024)}\r\n\r\n`)],
    ['an unknown transfer coding', start('Transfer-Encoding: gzip\r\n', '{}')],
    ['a request line with no version', Buffer.from('GET /health/live\r\n\r\n')],
    ['garbage instead of a request', Buffer.from('\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 TLS hello\r\n\r\n', 'latin1')],
  ];
  const problems = [];
  const seen = [];
  for (const [name, bytes] of cases) {
    const r = await rawExchange(server.port, bytes, { timeoutMs: 5000 });
    seen.push(`${name}: ${r.status ? `${r.status} ${r.json?.error}` : 'closed'}`);
    if (r.status === 0) {
      if (!r.closed) problems.push(`${name}: neither answered nor closed within 5 s`);
      continue;
    }
    try {
      assertClientError(name, r.status, r.headers['content-type'], r.body);
    } catch (e) {
      problems.push(e.message.split('\n')[0]);
    }
  }
  t.diagnostic(seen.join('; '));
  assert.deepEqual(problems, []);
});

test('connections whose headers or body never finish are closed, and others are served meanwhile', async () => {
  const slow = [];
  // Headers dripped a byte at a time, never ending.
  for (let i = 0; i < 8; i++) {
    const drip = [...`GET /health/live HTTP/1.1\r\nHost: x\r\nX-Slow: ${'s'.repeat(40)}`];
    slow.push(rawExchange(server.port, drip, { timeoutMs: HEADER_TIMEOUT_MS * 6, gapMs: 100, keepOpen: true }));
  }
  // A body that stops short of its Content-Length.
  const bearer = `Bearer ${await token('sweeper')}`;
  slow.push(rawExchange(server.port, `POST /matchmaking/start HTTP/1.1\r\nHost: x\r\nAuthorization: ${bearer}\r\n` +
    'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"playerId":', { timeoutMs: BODY_TIMEOUT_MS * 6, keepOpen: true }));
  const started = Date.now();
  await new Promise((r) => setTimeout(r, 200));
  for (let i = 0; i < 5; i++) {
    const res = await server.fetch('/health/live');
    assert.equal(res.status, 200);
    await res.arrayBuffer();
  }
  assert.ok(Date.now() - started < HEADER_TIMEOUT_MS * 2, 'others waited on the slow connections');
  for (const r of await Promise.all(slow)) {
    assert.ok(r.closed, `a slow connection was still open after ${HEADER_TIMEOUT_MS * 6} ms: ${r.raw.toString().slice(0, 100)}`);
    if (r.status) assertClientError('a timed-out request', r.status, r.headers['content-type'], r.body);
  }
});

test('after the sweep the server is live and nothing stored before it is lost', async () => {
  const live = await server.fetch('/health/live');
  assert.equal(live.status, 200);
  const ticket = await asPlayer('keeper', 'GET', `/matchmaking/status/${kept.ticketId}`);
  assert.equal(ticket.status, 200, ticket.text);
  assert.equal(ticket.json.ticketId, kept.ticketId);
  const sessions = await asPlayer('keeper', 'GET', '/players/keeper/sessions');
  assert.equal(sessions.status, 200, sessions.text);
  const stored = sessions.json.sessions.find((x) => x.sessionId === SESSION_ID);
  assert.deepEqual(stored?.rewards, ['kept'], `the stored summary changed: ${sessions.text}`);
  const rewards = await asPlayer('keeper', 'GET', '/players/keeper/rewards');
  assert.equal(rewards.status, 200, rewards.text);
  assert.ok(rewards.text.includes('kept'), rewards.text);
  const beat = await signed('POST', '/game-servers/gs-keep/heartbeat', { body: '{"playerCount": 0}' });
  assert.equal(beat.status, 200, beat.text);
  const session = await signed('GET', `/game-sessions/${kept.gameSessionId}`);
  assert.equal(session.status, 200, session.text);
  const seat = session.json.gameSession.playerSessions.find((p) => p.playerSessionId === kept.playerSessionId);
  assert.equal(seat?.status, 'RESERVED', session.text);
  // A replay of the stored summary is still recognised as the same one.
  const replay = await signed('POST', '/session-summary',
    { body: JSON.stringify({ playerId: 'keeper', sessionId: SESSION_ID, rewards: ['kept'] }) });
  assert.equal(replay.status, 200, replay.text);
});
