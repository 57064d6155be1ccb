// Matchmaking events against the real binary: the server-sent event stream a player sees, and
// signed webhook deliveries (with a retry) to a receiver that checks the signature.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import crypto from 'node:crypto';
import { startServer, runCli, tempFile } from './lib/server.mjs';
import { playerTokens, versusRuleSet } from './lib/matchmaking.mjs';

const SECRET = 'e2e-webhook-secret';

// "duel" (1 against 1) notifies `target`; "squads" (2 against 2) notifies nobody.
function configurationsFile(target) {
  return tempFile(
    'configurations.json',
    JSON.stringify({
      configurations: [
        { name: 'duel', ruleSetBody: versusRuleSet(1), requestTimeoutSeconds: 60, notificationTarget: target },
        { name: 'squads', ruleSetBody: versusRuleSet(2), requestTimeoutSeconds: 60 },
      ],
    }),
  );
}

async function server(t, target) {
  const config = [
    'matchmaking_configuration_name = "duel"',
    '[matchmaking]',
    `configurations_file = ${JSON.stringify(configurationsFile(target))}`,
    '[events]',
    `webhook_secret = "${SECRET}"`,
    'webhook_initial_backoff_ms = 50',
    'sse_heartbeat_seconds = 1',
  ].join('\n');
  const s = await startServer({ t, config });
  s.token = playerTokens(s);
  s.start = async (player, configurationName) => {
    const res = await s.fetch('/matchmaking/start', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await s.token(player)}`,
      },
      body: JSON.stringify({ playerId: player, playerAttributes: { skill: 10 }, configurationName }),
    });
    const body = await res.json();
    assert.equal(res.status, 200, JSON.stringify(body));
    return body.ticketId;
  };
  return s;
}

// Opens GET /matchmaking/events for `player` and parses the events as they arrive.
async function openEvents(s, player) {
  const controller = new AbortController();
  const res = await s.fetch('/matchmaking/events', {
    headers: { authorization: `Bearer ${await s.token(player)}` },
    signal: controller.signal,
  });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/event-stream/);
  const stream = { events: [], comments: 0, raw: '', close: () => controller.abort() };
  const decoder = new TextDecoder();
  (async () => {
    try {
      for await (const chunk of res.body) {
        stream.raw += decoder.decode(chunk, { stream: true });
        let end;
        while ((end = stream.raw.indexOf('\n\n')) >= 0) {
          const block = stream.raw.slice(0, end);
          stream.raw = stream.raw.slice(end + 2);
          const event = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) stream.comments++;
            const colon = line.indexOf(': ');
            if (colon > 0) event[line.slice(0, colon)] = line.slice(colon + 2);
          }
          if (event.data) stream.events.push({ ...event, data: JSON.parse(event.data) });
        }
      }
    } catch {
      // aborted at the end of the test
    }
  })();
  return stream;
}

async function until(condition, what, ms = 10000) {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const ticketIds = (event) => event.data.detail.tickets.map((ticket) => ticket.ticketId);

// A webhook receiver that checks every signature and answers 500 to the very first request.
async function receiver(t) {
  const got = [];
  let first = true;
  const srv = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const timestamp = req.headers['x-session-api-timestamp'];
      const expected =
        'v1=' + crypto.createHmac('sha256', SECRET).update(`${timestamp}.${body}`).digest('hex');
      const signature = req.headers['x-session-api-signature'] ?? '';
      const valid =
        signature.length === expected.length &&
        crypto.timingSafeEqual(Buffer.from(signature), Buffer.from(expected)) &&
        Math.abs(Date.now() / 1000 - Number(timestamp)) < 300;
      got.push({
        valid,
        contentType: req.headers['content-type'],
        eventId: req.headers['x-session-api-event-id'],
        attempt: Number(req.headers['x-session-api-delivery-attempt']),
        body: JSON.parse(body),
      });
      res.statusCode = first ? 500 : 200;
      first = false;
      res.end();
    });
  });
  await new Promise((resolve) => srv.listen(0, '127.0.0.1', resolve));
  t.after(() => srv.close());
  return { got, url: `http://127.0.0.1:${srv.address().port}/hooks/matchmaking` };
}

test('a player sees its own tickets events on the stream, and no one else\'s', async (t) => {
  const hook = await receiver(t);
  const s = await server(t, hook.url);
  const alice = await openEvents(s, 'alice');
  const bob = await openEvents(s, 'bob');
  const dave = await openEvents(s, 'dave');
  t.after(() => [alice, bob, dave].forEach((stream) => stream.close()));

  const daveTicket = await s.start('dave', 'squads'); // waits: a squad needs four players
  const aliceTicket = await s.start('alice');
  const bobTicket = await s.start('bob');

  const succeeded = (stream) =>
    stream.events.some((e) => e.event === 'MatchmakingSucceeded');
  await until(() => succeeded(alice) && succeeded(bob), 'MatchmakingSucceeded for both');
  await until(() => dave.events.length > 0, "dave's MatchmakingSearching");

  for (const e of alice.events) {
    assert.equal(e.event, e.data.detail.type, 'event: is the detail type');
    assert.equal(e.data['detail-type'], 'GameLift Matchmaking Event');
    assert.ok(e.id, 'every event has an id');
    assert.ok(ticketIds(e).includes(aliceTicket), `${e.event} concerns alice's ticket`);
    assert.ok(!ticketIds(e).includes(daveTicket));
  }
  const aliceSearching = alice.events.filter((e) => e.event === 'MatchmakingSearching');
  assert.ok(aliceSearching.length >= 1);
  assert.ok(aliceSearching.every((e) => !ticketIds(e).includes(bobTicket)),
    "bob's searching is not alice's business");
  const match = alice.events.find((e) => e.event === 'MatchmakingSucceeded');
  assert.deepEqual(ticketIds(match).sort(), [aliceTicket, bobTicket].sort());
  assert.ok(dave.events.every((e) => ticketIds(e).every((id) => id === daveTicket)));
  assert.ok(!dave.events.some((e) => e.event === 'MatchmakingSucceeded'));

  await until(() => alice.comments > 0, 'a heartbeat comment', 5000);
  const metrics = await (await s.fetch('/metrics')).text();
  assert.match(metrics, /\nmatchmaking_event_streams 3\n/);
});

test('webhooks are signed, retried after a 500 and delivered', async (t) => {
  const hook = await receiver(t);
  const s = await server(t, hook.url);
  const aliceTicket = await s.start('alice');
  await s.start('bob');
  const delivered = (type) => hook.got.some((r) => r.body.detail.type === type && r.attempt >= 1);
  await until(() => delivered('MatchmakingSucceeded'), 'MatchmakingSucceeded at the receiver');

  assert.ok(hook.got.length >= 3);
  for (const r of hook.got) {
    assert.ok(r.valid, 'the signature checks out');
    assert.equal(r.contentType, 'application/json');
    assert.equal(r.eventId, r.body.id, 'the event id header is the envelope id');
    assert.equal(r.body.source, 'aws.gamelift');
  }
  // The first request got a 500: the same event comes again as attempt 2.
  const first = hook.got[0];
  assert.equal(first.attempt, 1);
  const isRetry = (r) => r.eventId === first.eventId && r.attempt === 2;
  await until(() => hook.got.some(isRetry), 'the retry of the event answered 500');
  const retry = hook.got.find(isRetry);
  assert.deepEqual(retry.body, first.body);
  const searching = hook.got.filter((r) => r.body.detail.type === 'MatchmakingSearching');
  assert.ok(searching.some((r) => ticketIds({ data: r.body }).includes(aliceTicket)));

  const metrics = await (await s.fetch('/metrics')).text();
  assert.match(metrics, /webhook_deliveries_total\{outcome="retried"\} [1-9]/);
  assert.match(metrics, /webhook_deliveries_total\{outcome="delivered"\} [1-9]/);
  const { code } = await s.stop();
  assert.equal(code, 0);
});

test('the webhook secret is never printed, and the server never logs it', async (t) => {
  const r = await runCli(['config', 'check'], {
    env: { SESSION_API_EVENTS_WEBHOOK_SECRET: 'do-not-print-me' },
  });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /webhook_secret = '<redacted>'/);
  assert.ok(!r.stdout.includes('do-not-print-me') && !r.stderr.includes('do-not-print-me'));

  const hook = await receiver(t);
  const s = await server(t, hook.url);
  await s.start('alice');
  await s.start('bob');
  await until(() => hook.got.length >= 2, 'deliveries');
  await s.stop();
  assert.ok(!s.lines().join('\n').includes(SECRET), 'no log line carries the secret');
});
