// Checks live responses against docs/openapi.yaml.
//
//   import { checkResponse } from './lib/openapi.mjs';
//
//   const res = await server.fetch('/matchmaking/status/abc', { headers });
//   const body = await res.text();
//   checkResponse('GET', '/matchmaking/status/abc', res.status, res.headers, body);
//
// checkResponse finds the operation (a concrete path or a path template), then requires the
// status to be documented for it, the content type to be one it documents, the body to
// validate against its schema (JSON Schema 2020-12, the dialect of OpenAPI 3.1) and the
// headers it marks required to be there. A path the document does not know must be answered
// 404 and a method it does not list 405 with a matching `Allow`, both with the Error schema.
// It throws an AssertionError saying what differs, and returns the parsed body.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import YAML from 'yaml';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const DOCUMENT_PATH = path.join(repoRoot, 'docs/openapi.yaml');
export const document = YAML.parse(readFileSync(DOCUMENT_PATH, 'utf8'));

const DOC_ID = 'https://session-api.invalid/openapi.json';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
addFormats(ajv);
ajv.addSchema({ ...document, $id: DOC_ID });

const validators = new Map();
function validatorAt(pointer) {
  if (!validators.has(pointer)) validators.set(pointer, ajv.compile({ $ref: `${DOC_ID}#${pointer}` }));
  return validators.get(pointer);
}

const escapePointer = (s) => s.replace(/~/g, '~0').replace(/\//g, '~1');

// Follows a local $ref ('#/components/...') to the object and its JSON pointer.
function deref(object, pointer) {
  let seen = 0;
  while (object && object.$ref) {
    assert.ok(object.$ref.startsWith('#/'), `only local references are supported: ${object.$ref}`);
    pointer = object.$ref.slice(1);
    object = pointer.split('/').slice(1)
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce((o, key) => o?.[key], document);
    assert.ok(object, `unresolved reference ${pointer}`);
    assert.ok(++seen < 20, `reference loop at ${pointer}`);
  }
  return { object, pointer };
}

// The documented path template a concrete path falls under, as the router matches it:
// literal segments win over parameters. A template itself is returned as it is.
export function findTemplate(p) {
  const pathOnly = p.split('?')[0];
  if (document.paths[pathOnly]) return pathOnly;
  const segments = pathOnly.split('/').slice(1);
  let best = null;
  let bestLiterals = -1;
  for (const template of Object.keys(document.paths)) {
    const parts = template.split('/').slice(1);
    if (parts.length !== segments.length) continue;
    let literals = 0;
    const fits = parts.every((part, i) => {
      if (/^\{[^}]+\}$/.test(part)) return segments[i].length > 0;
      if (part === decodeURIComponent(segments[i])) return ++literals > 0;
      return false;
    });
    if (fits && literals > bestLiterals) {
      best = template;
      bestLiterals = literals;
    }
  }
  return best;
}

function headerMap(headers) {
  const out = new Map();
  if (!headers) return out;
  const entries = typeof headers.entries === 'function' && !(headers instanceof Map)
    ? [...headers.entries()] : Object.entries(headers);
  for (const [k, v] of entries) out.set(k.toLowerCase(), Array.isArray(v) ? v.join(', ') : String(v));
  return out;
}

function mediaType(contentType) {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

function pickContent(content, type) {
  if (content[type]) return type;
  const wildcard = Object.keys(content).find((k) => k.endsWith('/*') && type.startsWith(k.slice(0, -1)));
  return wildcard ?? Object.keys(content).find((k) => k === '*/*');
}

function schemaErrors(validate) {
  return ajv.errorsText(validate.errors, { separator: '\n  ', dataVar: 'body' });
}

// Server-sent events as [{id, event, data}] (comments and retry lines dropped).
export function parseEventStream(text) {
  const events = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    const event = {};
    const data = [];
    for (const line of block.split(/\r?\n/)) {
      if (!line || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'data') data.push(value);
      else if (field === 'id' || field === 'event') event[field] = value;
    }
    if (data.length) events.push({ ...event, data: data.join('\n') });
  }
  return events;
}

function checkBody(where, media, mediaPointer, type, body) {
  const schema = media.schema;
  const isJson = type === 'application/json' || type.endsWith('+json');
  if (type === 'text/event-stream') {
    const events = parseEventStream(body ?? '');
    const validate = validatorAt('/components/schemas/MatchmakingEvent');
    for (const e of events) {
      const data = JSON.parse(e.data);
      assert.ok(validate(data), `${where}: event ${e.id ?? ''} does not match MatchmakingEvent:\n  ${schemaErrors(validate)}`);
    }
    return events;
  }
  let value = body;
  if (isJson) {
    assert.ok(typeof body === 'string' ? body.length > 0 : body !== undefined, `${where}: empty JSON body`);
    if (typeof body === 'string') {
      try {
        value = JSON.parse(body);
      } catch (e) {
        assert.fail(`${where}: the body is not JSON (${e.message}): ${body.slice(0, 200)}`);
      }
    }
  }
  if (schema) {
    const validate = validatorAt(`${mediaPointer}/schema`);
    assert.ok(validate(value), `${where}: the body does not match the schema:\n  ${schemaErrors(validate)}\n  body: ${JSON.stringify(value).slice(0, 500)}`);
  }
  return value;
}

function checkHeaders(where, response, pointer, headers) {
  for (const [name, declared] of Object.entries(response.headers ?? {})) {
    const { object: header, pointer: hp } = deref(declared, `${pointer}/headers/${escapePointer(name)}`);
    const value = headers.get(name.toLowerCase());
    if (value === undefined) {
      assert.ok(!header.required, `${where}: the required header ${name} is missing`);
      continue;
    }
    if (header.schema) {
      const validate = validatorAt(`${hp}/schema`);
      const typed = header.schema.type === 'integer' || header.schema.type === 'number'
        ? Number(value) : value;
      assert.ok(validate(typed), `${where}: header ${name}: ${value}: ${schemaErrors(validate)}`);
    }
  }
}

function genericError(where, status, expected, headers, body) {
  assert.equal(status, expected, `${where}: answered ${status}`);
  assert.equal(mediaType(headers.get('content-type')), 'application/json', `${where}: content type`);
  const validate = validatorAt('/components/schemas/Error');
  const value = typeof body === 'string' ? JSON.parse(body) : body;
  assert.ok(validate(value), `${where}: not the Error schema: ${schemaErrors(validate)}`);
  return value;
}

const covered = new Map(); // "METHOD template" -> Set of statuses

// Every documented operation as "METHOD template".
export function operations() {
  const out = [];
  for (const [template, item] of Object.entries(document.paths)) {
    for (const m of METHODS) if (item[m]) out.push(`${m.toUpperCase()} ${template}`);
  }
  return out;
}

// The statuses checked so far for each operation ("METHOD template" -> Set).
export function coverage() {
  return covered;
}

export function checkResponse(method, pathOrTemplate, status, headers, body) {
  const upper = method.toUpperCase();
  const where = `${upper} ${pathOrTemplate} -> ${status}`;
  const h = headerMap(headers);
  const template = findTemplate(pathOrTemplate);
  if (!template) return genericError(`${where} (no such path in the document)`, status, 404, h, body);
  const item = document.paths[template];
  const opMethod = upper === 'HEAD' && !item.head ? 'get' : upper.toLowerCase();
  const operation = item[opMethod];
  if (!operation) {
    const value = genericError(`${where} (method not documented)`, status, 405, h, body);
    const documented = new Set(METHODS.filter((m) => item[m]).map((m) => m.toUpperCase()));
    if (documented.has('GET')) documented.add('HEAD');
    const allow = new Set((h.get('allow') ?? '').split(',').map((s) => s.trim()).filter(Boolean));
    assert.deepEqual([...allow].sort(), [...documented].sort(), `${where}: Allow`);
    return value;
  }
  const key = `${opMethod.toUpperCase()} ${template}`;
  const responses = operation.responses;
  const declared = responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
  assert.ok(declared, `${where}: status ${status} is not documented for ${key} (documented: ${Object.keys(responses).join(', ')})`);
  const code = responses[String(status)] ? String(status) : responses[`${String(status)[0]}XX`] ? `${String(status)[0]}XX` : 'default';
  const opPointer = `/paths/${escapePointer(template)}/${opMethod}/responses/${code}`;
  const { object: response, pointer } = deref(declared, opPointer);
  if (!covered.has(key)) covered.set(key, new Set());
  covered.get(key).add(status);

  checkHeaders(where, response, pointer, h);
  const content = response.content;
  const empty = body === undefined || body === null || body === '';
  if (!content || upper === 'HEAD') {
    assert.ok(empty || upper === 'HEAD', `${where}: a body where the document says none: ${String(body).slice(0, 200)}`);
    return body;
  }
  const type = mediaType(h.get('content-type'));
  const chosen = pickContent(content, type);
  assert.ok(chosen, `${where}: content type '${type}' is not documented (documented: ${Object.keys(content).join(', ')})`);
  return checkBody(where, content[chosen], `${pointer}/content/${escapePointer(chosen)}`, type, body);
}
