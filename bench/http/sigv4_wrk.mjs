// Signs one POST with AWS SigV4 (aws4, service execute-api) and prints a wrk Lua script that
// replays it on every request, plus a curl config to check it first.
// Usage: node sigv4_wrk.mjs CREDENTIALS_JSON HOST:PORT PATH BODY OUT_LUA OUT_CURL
// CREDENTIALS_JSON is what `session-api credentials create` prints. A signature stays valid for
// 15 minutes and carries no nonce, so the same bytes can be sent again and again in that window.
import { readFileSync, writeFileSync } from 'node:fs';
import aws4 from 'aws4';

const [credentialsFile, host, path, body, outLua, outCurl] = process.argv.slice(2);
if (!outCurl) {
  console.error('usage: node sigv4_wrk.mjs CREDENTIALS_JSON HOST:PORT PATH BODY OUT_LUA OUT_CURL');
  process.exit(2);
}
const creds = JSON.parse(readFileSync(credentialsFile, 'utf8'));
const request = {
  host, method: 'POST', path, body, service: 'execute-api', region: creds.region,
  headers: { 'Content-Type': 'application/json' },
};
aws4.sign(request, { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey });

// Lua long brackets need a level whose closing bracket does not occur in the text.
function luaString(s) {
  let level = '';
  while (s.includes(`]${level}]`)) level += '=';
  return `[${level}[${s}]${level}]`;
}
const headers = { Host: host, ...request.headers };
const lua = [
  'wrk.method = "POST"',
  `wrk.body = ${luaString(body)}`,
  // Header names are tokens (no quote or backslash), so a plain Lua string holds them.
  ...Object.entries(headers).map(([k, v]) => `wrk.headers["${k}"] = ${luaString(String(v))}`),
  '',
].join('\n');
writeFileSync(outLua, lua, { mode: 0o600 });

// curl -K config: one directive per line, values quoted with \" and \\ escaped.
const quote = (s) => `"${String(s).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
const curl = [
  `url = ${quote(`http://${host}${path}`)}`,
  'request = "POST"',
  `data-binary = ${quote(body)}`,
  ...Object.entries(headers).map(([k, v]) => `header = ${quote(`${k}: ${v}`)}`),
  '',
].join('\n');
writeFileSync(outCurl, curl, { mode: 0o600 });
