// Starts one ticket for each player of TOKENS_FILE ("player token" per line) and writes
// "token ticketId" per line to OUT_FILE, for status.lua. Fails on any answer other than 200.
//
// Usage: node bench/matchmaking_api/tickets.mjs BASE_URL TOKENS_FILE OUT_FILE
import { readFileSync, writeFileSync } from 'node:fs';

const [base, tokensFile, outFile] = process.argv.slice(2);
const players = readFileSync(tokensFile, 'utf8')
  .trim()
  .split('\n')
  .map((l) => l.split(' '));

const lines = await Promise.all(
  players.map(async ([player, token]) => {
    const res = await fetch(`${base}/matchmaking/start`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ playerId: player, playerAttributes: { skill: 10 } }),
    });
    const body = await res.json();
    if (res.status !== 200 || typeof body.ticketId !== 'string') {
      throw new Error(`start for ${player} answered ${res.status}: ${JSON.stringify(body)}`);
    }
    return `${token} ${body.ticketId}`;
  }),
);
writeFileSync(outFile, lines.join('\n') + '\n');
