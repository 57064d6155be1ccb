// cognito-local (an offline Cognito user-pool emulator) for end-to-end tests: started on a
// free port with its data in a temp dir, and driven with the real AWS SDK client.
//
// How it issues tokens (from its source, lib/services/tokenGenerator.js and lib/server):
// RS256 with one fixed RSA-2048 key (kid "CognitoLocal", JWK alg RS256, use sig), issuer
// `${TokenConfig.IssuerDomain}/${userPoolId}` (IssuerDomain defaults to
// http://localhost:9229 and is set here to the port it really listens on), JWKS at
// `/${userPoolId}/.well-known/jwks.json`, i.e. `${issuer}/.well-known/jwks.json` as with
// Cognito. ID tokens carry aud = client id and token_use "id"; access tokens carry client_id
// and token_use "access".

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import {
  CognitoIdentityProviderClient, CreateUserPoolCommand, CreateUserPoolClientCommand,
  AdminCreateUserCommand, AdminSetUserPasswordCommand, InitiateAuthCommand,
  CreateGroupCommand, AdminAddUserToGroupCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { freePort } from './server.mjs';

const require = createRequire(import.meta.url);
const START = path.join(path.dirname(require.resolve('cognito-local/package.json')), 'lib/bin/start.js');

export class CognitoLocal {
  constructor(child, dir, port) {
    this.child = child;
    this.dir = dir;
    this.port = port;
    this.endpoint = `http://127.0.0.1:${port}`;
    this.output = [];
    this.exited = new Promise((resolve) => child.on('exit', resolve));
    this.client = new CognitoIdentityProviderClient({
      endpoint: this.endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  }

  issuer(poolId) {
    return `${this.endpoint}/${poolId}`;
  }

  // A user pool with one app client (USER_PASSWORD_AUTH) and one confirmed user in `groups`.
  async createPoolWithUser({ username, password, groups = [] }) {
    const pool = await this.client.send(new CreateUserPoolCommand({ PoolName: `pool-${Date.now()}` }));
    const poolId = pool.UserPool.Id;
    const app = await this.client.send(new CreateUserPoolClientCommand({
      UserPoolId: poolId, ClientName: 'game-client', ExplicitAuthFlows: ['USER_PASSWORD_AUTH'],
    }));
    const clientId = app.UserPoolClient.ClientId;
    const user = await this.client.send(new AdminCreateUserCommand({
      UserPoolId: poolId, Username: username, MessageAction: 'SUPPRESS',
      TemporaryPassword: password,
      UserAttributes: [{ Name: 'email', Value: username }, { Name: 'email_verified', Value: 'true' }],
    }));
    await this.client.send(new AdminSetUserPasswordCommand({
      UserPoolId: poolId, Username: username, Password: password, Permanent: true,
    }));
    for (const group of groups) {
      await this.client.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: group }));
      await this.client.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: username, GroupName: group }));
    }
    const sub = user.User.Attributes.find((a) => a.Name === 'sub').Value;
    return { poolId, clientId, sub };
  }

  // ID and access tokens for a user, through InitiateAuth USER_PASSWORD_AUTH.
  async login({ clientId, username, password }) {
    const out = await this.client.send(new InitiateAuthCommand({
      AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId,
      AuthParameters: { USERNAME: username, PASSWORD: password },
    }));
    return { idToken: out.AuthenticationResult.IdToken, accessToken: out.AuthenticationResult.AccessToken };
  }

  async stop() {
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(timer);
    this.client.destroy();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export async function startCognitoLocal({ t } = {}) {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'cognito-local-'));
  mkdirSync(path.join(dir, '.cognito', 'db'), { recursive: true });
  // Its configuration is .cognito/config.json; users and pools go to .cognito/db.
  writeFileSync(path.join(dir, '.cognito', 'config.json'),
    JSON.stringify({ TokenConfig: { IssuerDomain: `http://127.0.0.1:${port}` } }));
  const child = spawn(process.execPath, [START], {
    cwd: dir,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const cl = new CognitoLocal(child, dir, port);
  child.stdout.on('data', (d) => cl.output.push(String(d)));
  child.stderr.on('data', (d) => cl.output.push(String(d)));
  if (t) t.after(() => cl.stop());
  const deadline = Date.now() + 20000;
  for (;;) {
    try {
      const res = await fetch(`${cl.endpoint}/health`);
      if (res.ok) break;
    } catch {}
    if (child.exitCode !== null || Date.now() > deadline) {
      await cl.stop().catch(() => {});
      throw new Error(`cognito-local did not start:\n${cl.output.join('')}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return cl;
}
