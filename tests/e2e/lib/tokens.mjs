// Player tokens for the end-to-end tests: signing keys, a JWKS document, and an adversarial
// set of tokens built with jose (node:crypto only where jose refuses on purpose, e.g. RSA keys
// under 2048 bits).
//
//   const keys = await makeKeys();
//   writeFileSync(jwksPath, JSON.stringify(jwksDocument(keys)));
//   const cases = await adversarialTokens({ keys, issuer, clientId });
//   // each case: { name, token, stricter? } where `stricter` says why the service refuses a
//   // token that aws-jwt-verify accepts.

import { CompactSign, SignJWT, exportJWK, generateKeyPair, base64url } from 'jose';
import crypto from 'node:crypto';

const enc = new TextEncoder();
const b64 = (s) => base64url.encode(typeof s === 'string' ? enc.encode(s) : s);

async function rsaPair(alg = 'RS256') {
  return generateKeyPair(alg, { extractable: true, modulusLength: 2048 });
}

// The keys a test issuer uses. Every key but `outsider` is published in jwksDocument().
//   main      RS256 key, JWK alg RS256 (as Cognito publishes)
//   noalg     RSA key whose JWK has no alg
//   rs384     RSA key whose JWK says alg RS384
//   small     RSA-1024 key
//   encKey    RSA key published with use "enc"
//   ec        P-256 key, JWK alg ES256
//   outsider  RSA key not published
export async function makeKeys() {
  const [main, noalg, rs384, encKey, outsider] = await Promise.all(
    [rsaPair(), rsaPair(), rsaPair('RS384'), rsaPair(), rsaPair()],
  );
  const ec = await generateKeyPair('ES256', { extractable: true });
  const small = crypto.generateKeyPairSync('rsa', { modulusLength: 1024 });
  return { main, noalg, rs384, encKey, outsider, ec, small };
}

export async function jwksDocument(keys) {
  const jwk = async (k) => exportJWK(k.publicKey);
  return {
    keys: [
      { ...(await jwk(keys.main)), kid: 'main', use: 'sig', alg: 'RS256' },
      { ...(await jwk(keys.noalg)), kid: 'noalg', use: 'sig' },
      { ...(await jwk(keys.rs384)), kid: 'rs384', use: 'sig', alg: 'RS384' },
      { ...(await jwk(keys.encKey)), kid: 'enc', use: 'enc', alg: 'RS256' },
      { ...(await jwk(keys.ec)), kid: 'ec', use: 'sig', alg: 'ES256' },
      { ...keys.small.publicKey.export({ format: 'jwk' }), kid: 'small', use: 'sig', alg: 'RS256' },
    ],
  };
}

// Signs exactly the given header and payload text (JSON or not, any alg in the header):
// jose's CompactSign when it can express the token, WebCrypto otherwise (jose refuses, on
// purpose, crit headers it does not know, non-object headers and algorithms that do not fit
// the key).
async function signRaw(alg, key, header, payload) {
  const headerText = typeof header === 'string' ? header : JSON.stringify(header);
  if (typeof header === 'object' && header.alg === alg && !header.crit && typeof header.kid !== 'number') {
    return new CompactSign(enc.encode(payload)).setProtectedHeader(header).sign(key);
  }
  const input = `${b64(headerText)}.${b64(payload)}`;
  return `${input}.${await signBytes(alg, key, input)}`;
}

// RSASSA/ECDSA/HMAC over `input` with a jose key (CryptoKey) or secret, via WebCrypto.
async function signBytes(alg, key, input) {
  const data = enc.encode(input);
  const algos = {
    RS256: { name: 'RSASSA-PKCS1-v1_5' },
    RS384: { name: 'RSASSA-PKCS1-v1_5' },
    RS512: { name: 'RSASSA-PKCS1-v1_5' },
    PS256: { name: 'RSA-PSS', saltLength: 32 },
    ES256: { name: 'ECDSA', hash: 'SHA-256' },
  };
  if (alg === 'HS256') {
    return b64(crypto.createHmac('sha256', key).update(input).digest());
  }
  const sig = await crypto.webcrypto.subtle.sign(algos[alg], key, data);
  return b64(new Uint8Array(sig));
}

// Signs with node:crypto (for keys jose will not use, such as RSA-1024).
function signNode(keyObject, header, payload) {
  const input = `${b64(JSON.stringify(header))}.${b64(JSON.stringify(payload))}`;
  const sig = crypto.sign('sha256', Buffer.from(input), keyObject);
  return `${input}.${b64(sig)}`;
}

// A copy of a CryptoKey for another hash (WebCrypto keys are bound to one hash).
async function rsaKeyFor(alg, privateKey, kind = 'RSASSA-PKCS1-v1_5') {
  const hash = { RS256: 'SHA-256', RS384: 'SHA-384', RS512: 'SHA-512', PS256: 'SHA-256' }[alg];
  const pkcs8 = await crypto.webcrypto.subtle.exportKey('pkcs8', privateKey);
  return crypto.webcrypto.subtle.importKey('pkcs8', pkcs8, { name: kind, hash }, false, ['sign']);
}

export async function adversarialTokens({ keys, issuer, clientId, now = Math.floor(Date.now() / 1000) }) {
  const claims = (over = {}) => {
    const base = {
      sub: 'alice', aud: clientId, token_use: 'id', iss: issuer, 'cognito:username': 'alice',
      auth_time: now - 5, iat: now - 5, exp: now + 3600,
    };
    const out = { ...base, ...over };
    for (const [k, v] of Object.entries(over)) if (v === undefined) delete out[k];
    return out;
  };
  const header = (over = {}) => ({ alg: 'RS256', kid: 'main', ...over });
  const main = keys.main.privateKey;
  const good = (over = {}, hdr = {}) =>
    new SignJWT(claims(over)).setProtectedHeader(header(hdr)).sign(main);
  const valid = await good();
  const [vh, vp, vs] = valid.split('.');
  const pemPublic = Buffer.from(
    crypto.KeyObject.from(keys.main.publicKey).export({ type: 'spki', format: 'pem' }),
  );

  const cases = [];
  const add = (name, token, stricter) => cases.push({ name, token, ...(stricter ? { stricter } : {}) });

  // Baselines the service must accept.
  add('valid ID token', valid);
  add('valid, typ JWT', await good({}, { typ: 'JWT' }));
  add('valid, exp 10 s ago (within the 30 s skew)', await good({ exp: now - 10 }));
  add('valid, nbf 10 s ahead (within the skew)', await good({ nbf: now + 10 }));
  add('valid, in a required group list', await good({ 'cognito:groups': ['players'] }));

  // Algorithms.
  add('alg none, no signature', `${b64(JSON.stringify({ alg: 'none', kid: 'main' }))}.${vp}.`);
  add('alg none, with a signature', `${b64(JSON.stringify({ alg: 'none', kid: 'main' }))}.${vp}.${vs}`);
  add('alg NONE spelled differently', await signRaw('RS256', main, { alg: 'None', kid: 'main' }, JSON.stringify(claims())));
  add('HS256 keyed with the RSA public key (PEM)', await signRaw('HS256', pemPublic, header({ alg: 'HS256' }), JSON.stringify(claims())));
  add('HS256 keyed with the public key, kid without alg', await signRaw('HS256', pemPublic, header({ alg: 'HS256', kid: 'noalg' }), JSON.stringify(claims())));
  add('RS384 with the RS256 key', await signRaw('RS384', await rsaKeyFor('RS384', main), header({ alg: 'RS384' }), JSON.stringify(claims())));
  add('RS384 with a key whose JWK has no alg', await signRaw('RS384', await rsaKeyFor('RS384', keys.noalg.privateKey), header({ alg: 'RS384', kid: 'noalg' }), JSON.stringify(claims())),
    'only RS256 is accepted (Cognito signs with RS256); aws-jwt-verify accepts any RSA alg when the JWK has none');
  add('RS512 with a key whose JWK has no alg', await signRaw('RS512', await rsaKeyFor('RS512', keys.noalg.privateKey), header({ alg: 'RS512', kid: 'noalg' }), JSON.stringify(claims())),
    'only RS256 is accepted; aws-jwt-verify accepts RS512 when the JWK has no alg');
  add('PS256 with a key whose JWK has no alg', await signRaw('PS256', await rsaKeyFor('PS256', keys.noalg.privateKey, 'RSA-PSS'), header({ alg: 'PS256', kid: 'noalg' }), JSON.stringify(claims())));
  add('ES256 with a published EC key', await signRaw('ES256', keys.ec.privateKey, header({ alg: 'ES256', kid: 'ec' }), JSON.stringify(claims())),
    'only RS256 is accepted; aws-jwt-verify also verifies ES256 tokens against EC keys in the JWKS');
  add('RS384 against a JWK that says RS384', await signRaw('RS384', keys.rs384.privateKey, header({ alg: 'RS384', kid: 'rs384' }), JSON.stringify(claims())),
    'only RS256 is accepted, whatever the JWK says');
  add('RS256 against a JWK that says RS384 (alg mismatch)', await signRaw('RS256', await rsaKeyFor('RS256', keys.rs384.privateKey), header({ kid: 'rs384' }), JSON.stringify(claims())));

  // Keys.
  add('no kid', await signRaw('RS256', main, { alg: 'RS256' }, JSON.stringify(claims())));
  add('unknown kid', await good({}, { kid: 'nope' }));
  add('kid with a path', await good({}, { kid: '../../../../etc/passwd' }));
  add('kid with SQL', await good({}, { kid: "main' OR '1'='1" }));
  add('kid is a number', await signRaw('RS256', main, { alg: 'RS256', kid: 7 }, JSON.stringify(claims())));
  add('kid main, signed by an unpublished key', await new SignJWT(claims()).setProtectedHeader(header()).sign(keys.outsider.privateKey));
  add('RSA-1024 key', signNode(keys.small.privateKey, header({ kid: 'small' }), claims()),
    'RSA keys under 2048 bits are refused; aws-jwt-verify verifies with any size');
  add('JWK with use enc', await signRaw('RS256', keys.encKey.privateKey, header({ kid: 'enc' }), JSON.stringify(claims())));

  // Claims.
  add('expired an hour ago', await good({ exp: now - 3600 }));
  add('nbf an hour ahead', await good({ nbf: now + 3600 }));
  add('iat an hour ahead', await good({ iat: now + 3600 }),
    'a token issued in the future is refused; aws-jwt-verify does not look at iat');
  add('wrong iss', await good({ iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other' }));
  add('iss with a trailing slash', await good({ iss: `${issuer}/` }));
  add('iss missing', await good({ iss: undefined }));
  add('iss in the global issuer-cognito-idp form', await good({ iss: issuer.replace('https://cognito-idp.', 'https://issuer-cognito-idp.') }),
    'iss must equal the configured issuer exactly; aws-jwt-verify also accepts the global issuer-cognito-idp form');
  add('wrong aud', await good({ aud: 'another-client' }));
  add('aud as an array', await good({ aud: [clientId] }));
  add('aud missing', await good({ aud: undefined }));
  add('access token where ID tokens are required', await good({ token_use: 'access', aud: undefined, client_id: clientId }));
  add('token_use refresh', await good({ token_use: 'refresh' }));
  add('token_use missing', await good({ token_use: undefined }));
  add('exp missing', await good({ exp: undefined }),
    'exp is required; aws-jwt-verify accepts tokens without exp');
  add('exp as a string', await signRaw('RS256', main, header(), JSON.stringify(claims({ exp: String(now + 3600) }))));
  add('nbf as a string', await signRaw('RS256', main, header(), JSON.stringify(claims({ nbf: String(now) }))));
  add('sub missing', await good({ sub: undefined }),
    'the player id claim (sub) is required; aws-jwt-verify does not require sub');

  // Integrity.
  const bob = b64(JSON.stringify(claims({ sub: 'bob', 'cognito:username': 'bob' })));
  add('payload swapped, signature kept', `${vh}.${bob}.${vs}`);
  const flipped = Buffer.from(base64url.decode(vs));
  flipped[20] ^= 0x01;
  add('signature with one bit flipped', `${vh}.${vp}.${b64(flipped)}`);
  add('signature truncated', `${vh}.${vp}.${vs.slice(0, vs.length - 10)}`);
  add('signature empty', `${vh}.${vp}.`);
  add('two segments', `${vh}.${vp}`);
  add('four segments', `${valid}.${vs}`);
  add('five segments (JWE shape)', `${vh}.${vp}.${vs}.${vs}.${vs}`);
  add('whole token truncated', valid.slice(0, valid.length / 2));
  add('empty token', '');

  // Encoding.
  add('standard base64 (+ and /) in the payload', `${vh}.${vp.replace(/-/g, '+').replace(/_/g, '/')}x+/.${vs}`);
  add('signature with = padding', `${valid}=`,
    'base64url must be unpadded (RFC 7515); aws-jwt-verify allows = padding');
  {
    const padded = `${b64(JSON.stringify(header()))}`;
    const pad = '='.repeat((4 - (padded.length % 4)) % 4 || 2);
    const input = `${padded}${pad}.${b64(JSON.stringify(claims()))}`;
    const sig = b64(crypto.sign('sha256', Buffer.from(input), crypto.KeyObject.from(main)));
    add('header with = padding, signed as sent', `${input}.${sig}`,
      'base64url must be unpadded (RFC 7515); aws-jwt-verify allows up to two = per segment');
  }
  {
    // The last base64url character of a 256-byte signature carries 4 unused bits.
    const last = vs[vs.length - 1];
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const i = alphabet.indexOf(last);
    const sibling = alphabet[(i & ~0x0f) | ((i + 1) & 0x0f)];
    add('signature with non-zero unused trailing bits', `${vh}.${vp}.${vs.slice(0, -1)}${sibling}`,
      'each signature has one accepted encoding; Node decodes non-canonical base64 leniently');
  }
  add('space inside the token', `${vh}.${vp} .${vs}`);

  // JSON.
  add('payload is a JSON array', await signRaw('RS256', main, header(), JSON.stringify([claims()])));
  add('payload is a JSON string', await signRaw('RS256', main, header(), '"alice"'));
  add('payload is not JSON', await signRaw('RS256', main, header(), 'sub=alice'));
  add('header is a JSON array', await signRaw('RS256', main, '[{"alg":"RS256","kid":"main"}]', JSON.stringify(claims())));
  {
    const text = JSON.stringify(claims());
    add('duplicate sub claim', await signRaw('RS256', main, header(), `${text.slice(0, -1)},"sub":"mallory"}`),
      'duplicate JSON keys are refused (RFC 7515 5.2); JSON.parse silently keeps the last one');
    add('duplicate alg in the header', await signRaw('RS256', main, '{"alg":"none","kid":"main","alg":"RS256"}', text),
      'duplicate JSON keys are refused; JSON.parse keeps the last alg');
  }
  add('crit header the service does not understand', await signRaw('RS256', main, header({ crit: ['exp'], exp: now }), JSON.stringify(claims())),
    'unknown crit extensions must be refused (RFC 7515 4.1.11); aws-jwt-verify ignores crit');
  add('typ JWE', await good({}, { typ: 'JWE' }),
    'a typ that is not a JWT is refused; aws-jwt-verify ignores typ');
  add('huge token (20 KiB of claims)', await good({ filler: 'x'.repeat(20 * 1024) }),
    'tokens over 16 KiB are refused before decoding; aws-jwt-verify has no size limit');
  return cases;
}
