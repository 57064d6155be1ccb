// Time to match in STANDALONE mode: from sending the ticket that completes a 1-against-1
// match to COMPLETED visible on GET /matchmaking/status (long polls, so no polling delay is
// added). Prints p50, p99 and max in milliseconds.
//
// Usage: node bench/matchmaking/time_to_match.mjs BASE_URL TOKENS_FILE [SAMPLES]
//   TOKENS_FILE: "player token" per line, at least 2 players; the server's default
//   configuration must be a 1-against-1 rule set (run.sh starts one).
import { readFileSync } from 'node:fs';

const [base, tokensFile, samplesArg] = process.argv.slice(2);
const samples = Number(samplesArg ?? 200);
const players = readFileSync(tokensFile, 'utf8')
  .trim()
  .split('\n')
  .map((l) => l.split(' '));

async function call(player, method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${player[1]}`, 'content-type': 'application/json' },
    body: body && JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

const start = (player) =>
  call(player, 'POST', '/matchmaking/start', { playerId: player[0], playerAttributes: { skill: 10 } });

const FINAL = ['COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT'];

// Waits for `wanted` (or a final status); returns the status reached.
async function until(player, id, wanted, known = 'QUEUED') {
  for (;;) {
    const r = await call(player, 'GET', `/matchmaking/status/${id}?waitSeconds=5&knownStatus=${known}`);
    if (r.body.status === wanted || FINAL.includes(r.body.status)) return r.body.status;
    known = r.body.status;
  }
}

const times = [];
for (let i = 0; times.length < samples; i++) {
  const a = players[(2 * i) % players.length];
  const b = players[(2 * i + 1) % players.length];
  const first = await start(a);
  // A ticket left over from an earlier phase may take the first one: try again.
  if ((await until(a, first.body.ticketId, 'SEARCHING')) !== 'SEARCHING') continue;
  const t0 = performance.now();
  const second = await start(b);
  const reached = await until(b, second.body.ticketId, 'COMPLETED');
  if (reached !== 'COMPLETED') throw new Error(`ticket ${second.body.ticketId} ended ${reached}`);
  times.push(performance.now() - t0);
}
times.sort((x, y) => x - y);
const q = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))].toFixed(1);
console.log(`time to match over ${samples} matches: p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${times.at(-1).toFixed(1)} ms`);
