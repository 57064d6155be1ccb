// Hostile inputs for end-to-end tests: raw sockets for what fetch and node:http will not send
// (invalid UTF-8 in a request line, broken framing, headers that never end), JSON bodies
// broken in every way a schema invites, and the check that an answer is a 4xx with the
// documented error shape.
//
//   import { rawExchange, bodyMutations, assertClientError } from './lib/hostile.mjs';
//   const r = await rawExchange(server.port, 'GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n');
//   // r: {status, headers, body, json, closed, raw}

import assert from 'node:assert/strict';
import net from 'node:net';
import { document } from './openapi.mjs';

// Sends `bytes` (a string or Buffer, or an array of them written `gapMs` apart) on a new
// connection and reads until the server closes it, one full answer has arrived (by its
// Content-Length), or `timeoutMs` passes. `closed` says whether the server closed it;
// `timedOut` that we stopped waiting.
export function rawExchange(port, bytes, { timeoutMs = 5000, gapMs = 0, keepOpen = false } = {}) {
  const pieces = Array.isArray(bytes) ? bytes : [bytes];
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks = [];
    let done = false;
    const finish = (how) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const raw = Buffer.concat(chunks);
      socket.destroy();
      resolve({ ...parseAnswer(raw), raw, closed: how === 'closed', timedOut: how === 'timeout' });
    };
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    socket.on('error', (e) => (e.code === 'ECONNRESET' || e.code === 'EPIPE' ? finish('closed') : reject(e)));
    socket.on('close', () => finish('closed'));
    socket.on('data', (d) => {
      chunks.push(d);
      const answer = parseAnswer(Buffer.concat(chunks));
      if (!keepOpen && answer.complete) finish('answered');
    });
    socket.on('connect', async () => {
      for (let i = 0; i < pieces.length && !done; i++) {
        if (i > 0 && gapMs) await new Promise((r) => setTimeout(r, gapMs));
        if (!socket.destroyed) socket.write(pieces[i]);
      }
    });
  });
}

// The first HTTP/1.1 answer in `raw`: {status, headers, body, json, complete}.
export function parseAnswer(raw) {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return { status: 0, headers: {}, body: '', json: null, complete: false };
  const lines = raw.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(lines[0].split(' ')[1]);
  const headers = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = Number(headers['content-length'] ?? 0);
  const bodyBytes = raw.subarray(end + 4, end + 4 + length);
  const body = bodyBytes.toString('utf8');
  let json = null;
  try { json = JSON.parse(body); } catch { /* not JSON */ }
  return { status, headers, body, json, complete: raw.length >= end + 4 + length };
}

const errorCode = new RegExp(document.components.schemas.Error.properties.error.pattern);

// A 4xx whose body is the documented Error object.
export function assertClientError(where, status, contentType, body) {
  assert.ok(status >= 400 && status < 500, `${where}: answered ${status}: ${String(body).slice(0, 300)}`);
  assert.match(contentType ?? '', /^application\/json/, `${where}: content type ${contentType}`);
  let json;
  try {
    json = typeof body === 'string' ? JSON.parse(body) : body;
  } catch (e) {
    assert.fail(`${where}: the error body is not JSON: ${String(body).slice(0, 200)}`);
  }
  assert.equal(typeof json?.error, 'string', `${where}: no error code: ${JSON.stringify(json)}`);
  assert.equal(typeof json?.message, 'string', `${where}: no message: ${JSON.stringify(json)}`);
  assert.match(json.error, errorCode, `${where}: error code ${json.error}`);
  return json;
}

// JSON nested `depth` levels deep: {"a":{"a":...1...}}.
export function deepObject(depth) {
  return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

export const HUGE_STRING = 'x'.repeat(100 * 1024);

// Values of every JSON type but the one `schema` asks for (null left out: optional fields
// may be null, which counts as absent).
export function wrongTypes(schema) {
  const all = { string: 'seven', integer: 7, number: 7.5, boolean: true, array: [1], object: { a: 1 } };
  const type = schema.type ?? (schema.enum ? 'string' : schema.properties ? 'object' : undefined);
  const ok = new Set([type]);
  if (type === 'number') ok.add('integer');
  return Object.entries(all).filter(([t]) => !ok.has(t)).map(([, v]) => v);
}

// Values of the right JSON type that the schema still excludes, as [label, raw JSON text]:
// numbers past `minimum`/`maximum` or too large for any integer, strings outside an `enum`,
// and objects whose values break `additionalProperties`.
export function outOfRange(schema) {
  const out = [];
  if (schema.type === 'integer' || schema.type === 'number') {
    if (schema.minimum !== undefined) out.push([`${schema.minimum - 1}`, `${schema.minimum - 1}`]);
    if (schema.maximum !== undefined) out.push([`${schema.maximum + 1}`, `${schema.maximum + 1}`]);
    out.push(['1e400', '1e400'], ['-1e400', '-1e400'], ['2^64', '18446744073709551616'],
      ['-2^63-1', '-9223372036854775809']);
  }
  if (schema.type === 'string' && schema.enum) out.push(['a value outside the enum', '"MAYBE"']);
  if (schema.enum?.length) out.push(['the enum value in lower case', JSON.stringify(schema.enum[0].toLowerCase())]);
  const values = schema.additionalProperties && resolve(schema.additionalProperties);
  if (schema.type === 'object' && values?.type) {
    for (const wrong of wrongTypes(values)) out.push([`a value ${JSON.stringify(wrong)}`, JSON.stringify({ k: wrong })]);
    if (values.minimum !== undefined) out.push([`a value ${values.minimum - 1}`, JSON.stringify({ k: values.minimum - 1 })]);
  }
  return out;
}

// The schema behind a $ref in the document.
export function resolve(schema) {
  let s = schema;
  while (s?.$ref) s = s.$ref.slice(2).split('/').reduce((o, k) => o[k], document);
  return s;
}

// Bodies that every JSON-object route must refuse: malformed JSON, other JSON types, raw NUL
// and invalid UTF-8, nesting past the depth limit. [name, Buffer|string].
export function brokenBodies() {
  return [
    ['truncated JSON', '{"a": '],
    ['single quotes', "{'a': 1}"],
    ['trailing comma', '{"a": 1,}'],
    ['NaN', 'NaN'],
    ['a JSON array', '[]'],
    ['an array of objects', '[{"a": 1}]'],
    ['a number', '42'],
    ['a string', '"text"'],
    ['null', 'null'],
    ['true', 'true'],
    ['whitespace only', ' \r\n\t '],
    ['raw NUL before the object', Buffer.from('\u0000{}', 'latin1')],
    ['raw NUL inside a string', Buffer.concat([Buffer.from('{"a": "x'), Buffer.from([0]), Buffer.from('y"}')])],
    ['invalid UTF-8 inside a string', Buffer.concat([Buffer.from('{"a": "'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')])],
    ['an overlong UTF-8 encoding', Buffer.concat([Buffer.from('{"a": "'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')])],
    ['invalid UTF-8 in a key', Buffer.concat([Buffer.from('{"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('": 1}')])],
    ['nested 100 deep', deepObject(100)],
    ['nested 5000 deep in arrays', '{"a":' + '['.repeat(5000) + ']'.repeat(5000) + '}'],
    ['two objects', '{}{}'],
  ];
}
