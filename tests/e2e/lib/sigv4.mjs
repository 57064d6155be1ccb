// SigV4 helpers for end-to-end tests: credentials made with the real CLI, requests signed by
// the real signers (@smithy/signature-v4 with @aws-crypto/sha256-js, and aws4) and sent with
// node:http exactly as signed (Host included).

import http from 'node:http';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import aws4 from 'aws4';
import { runCli } from './server.mjs';

export const SERVICE = 'execute-api';

// The CLI arguments that point `credentials ...` at the same files as `server`.
function cliTarget(server) {
  const args = ['--data-dir', path.join(server.dir, 'data')];
  const config = path.join(server.dir, 'config.toml');
  if (existsSync(config)) args.push('--config', config);
  return args;
}

// `session-api credentials create --name <name> ...extra`: the printed JSON.
export async function createCredential(server, name, extra = []) {
  const r = await runCli(['credentials', 'create', ...cliTarget(server), '--name', name, ...extra]);
  if (r.code !== 0) throw new Error(`credentials create failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

export async function revokeCredential(server, accessKeyId) {
  const r = await runCli(['credentials', 'revoke', ...cliTarget(server),
    '--access-key-id', accessKeyId]);
  if (r.code !== 0) throw new Error(`credentials revoke failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

export async function listCredentials(server) {
  const r = await runCli(['credentials', 'list', ...cliTarget(server)]);
  if (r.code !== 0) throw new Error(`credentials list failed (${r.code}): ${r.stderr}`);
  return { list: JSON.parse(r.stdout), stdout: r.stdout };
}

// Sends a request with exactly these headers; resolves with {status, headers, text, json}.
export function send(server, { method = 'GET', path: target, headers = {}, body }) {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port: server.port, method, path: target, headers, setHost: false,
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => {
        let json = null;
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

function hostOf(server) {
  return `127.0.0.1:${server.port}`;
}

// RFC 3986 encoding, as the signers encode query parameters.
export function rfc3986(s) {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

function queryString(query) {
  return Object.keys(query).sort()
    .map((k) => `${rfc3986(k)}=${rfc3986(String(query[k]))}`).join('&');
}

function smithySigner(creds, { region = creds.region, service = SERVICE } = {}) {
  return new SignatureV4({
    service,
    region,
    sha256: Sha256,
    credentials: {
      accessKeyId: creds.accessKeyId,
      secretAccessKey: creds.secretAccessKey,
      ...(creds.sessionToken ? { sessionToken: creds.sessionToken } : {}),
    },
  });
}

// Signs with @smithy/signature-v4 (Authorization header): {method, path, headers, body}
// ready for send(). `path` is the wire path, `query` an object.
export async function smithySign(server, creds, {
  method = 'GET', path: p, query = {}, headers = {}, body, signingDate, region, service,
} = {}) {
  const request = {
    method, protocol: 'http:', hostname: '127.0.0.1', port: server.port, path: p, query,
    headers: { host: hostOf(server), ...headers }, body,
  };
  if (body !== undefined) request.headers['content-length'] = String(Buffer.byteLength(body));
  const signed = await smithySigner(creds, { region, service }).sign(request,
    signingDate ? { signingDate } : {});
  const qs = queryString(query);
  return { method, path: qs ? `${p}?${qs}` : p, headers: signed.headers, body };
}

// A presigned URL from @smithy/signature-v4: {method, path, headers} for send().
export async function smithyPresign(server, creds, {
  method = 'GET', path: p, query = {}, expiresIn = 300, signingDate,
} = {}) {
  const request = {
    method, protocol: 'http:', hostname: '127.0.0.1', port: server.port, path: p, query,
    headers: { host: hostOf(server) },
  };
  const signed = await smithySigner(creds).presign(request,
    { expiresIn, ...(signingDate ? { signingDate } : {}) });
  return { method, path: `${p}?${queryString(signed.query)}`, headers: { host: hostOf(server) } };
}

// Signs with aws4 (Authorization header). `path` may carry a query string.
export function aws4Sign(server, creds, {
  method = 'GET', path: p, headers = {}, body, region = creds.region, service = SERVICE,
} = {}) {
  const opts = { host: hostOf(server), method, path: p, service, region, headers: { ...headers } };
  if (body !== undefined) opts.body = body;
  aws4.sign(opts, {
    accessKeyId: creds.accessKeyId,
    secretAccessKey: creds.secretAccessKey,
    ...(creds.sessionToken ? { sessionToken: creds.sessionToken } : {}),
  });
  return { method, path: opts.path, headers: { Host: opts.host, ...opts.headers }, body };
}

// A presigned URL from aws4 (signQuery).
export function aws4Presign(server, creds, { method = 'GET', path: p, expiresIn = 300 } = {}) {
  const sep = p.includes('?') ? '&' : '?';
  const opts = {
    host: hostOf(server), method, path: `${p}${sep}X-Amz-Expires=${expiresIn}`, service: SERVICE,
    region: creds.region, signQuery: true, headers: {},
  };
  aws4.sign(opts, {
    accessKeyId: creds.accessKeyId,
    secretAccessKey: creds.secretAccessKey,
    ...(creds.sessionToken ? { sessionToken: creds.sessionToken } : {}),
  });
  return { method, path: opts.path, headers: { Host: opts.host } };
}

// Waits until the running service has picked `creds` up (it reloads the credentials file
// within a second of a change) by calling the signed identity route.
export async function waitUntilKnown(server, creds, basePath = '') {
  const deadline = Date.now() + 5000;
  for (;;) {
    const r = await send(server, await smithySign(server, creds,
      { path: `${basePath}/identity/game-server` }));
    if (r.status === 200) return r;
    if (Date.now() > deadline) throw new Error(`credential not picked up: ${r.text}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// The AWS reason at the front of a 403 message, e.g. "SignatureDoesNotMatch".
export function reasonOf(response) {
  return response.json?.message?.split(':')[0];
}
