// Starting the real session-api binary for end-to-end tests.
//
//   import { startServer, runCli } from './lib/server.mjs';
//
//   test('health', async (t) => {
//     const server = await startServer({ t });          // free loopback port, temp data dir
//     const res = await server.fetch('/health/live');
//     assert.equal(res.status, 200);
//     const { code } = await server.stop();             // SIGTERM, waits for the exit
//     assert.equal(code, 0);
//   });
//
// The binary is $SESSION_API_BIN, else build/session-api. Inherited SESSION_API_* variables
// are dropped so that a developer's environment cannot change a test; pass `env` to set some.
// With `t` (the node:test context) the process is killed when the test ends, whatever happens;
// every process started here is also killed when the test file's process exits.

import { spawn } from 'node:child_process';
import net from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const BIN = process.env.SESSION_API_BIN || path.join(repoRoot, 'build/session-api');

const running = new Set();
const tempDirs = new Set();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function cleanEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('SESSION_API_')) env[k] = v;
  }
  return { ...env, ...extra };
}

// Collects a stream's output as complete lines.
function lineCollector(stream, into, onLine) {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    rest += chunk;
    let nl;
    while ((nl = rest.indexOf('\n')) >= 0) {
      const line = rest.slice(0, nl);
      rest = rest.slice(nl + 1);
      into.push(line);
      onLine(line);
    }
  });
  stream.on('end', () => {
    if (rest) {
      into.push(rest);
      onLine(rest);
      rest = '';
    }
  });
}

function parseJson(line) {
  try {
    return JSON.parse(line);
  } catch {
    return null;
  }
}

export class Server {
  constructor(child, dir) {
    this.child = child;
    this.dir = dir; // temp dir holding data/ and config.toml, removed by stop()
    this.stdoutLines = [];
    this.stderrLines = [];
    this.port = 0;
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        running.delete(child);
        resolve({ code, signal });
      });
    });
    this.waiters = [];
    const onLine = () => this.#wake();
    lineCollector(child.stdout, this.stdoutLines, onLine);
    lineCollector(child.stderr, this.stderrLines, onLine);
  }

  get baseUrl() {
    return `http://127.0.0.1:${this.port}`;
  }

  url(p) {
    return this.baseUrl + p;
  }

  // fetch() against the server; `p` is a path such as '/health/live'.
  fetch(p, init) {
    return fetch(this.url(p), init);
  }

  // Every line the process wrote, stdout then stderr.
  lines() {
    return [...this.stdoutLines, ...this.stderrLines];
  }

  // The JSON log lines (stdout) as objects.
  logs() {
    return this.stdoutLines.map(parseJson).filter(Boolean);
  }

  // Resolves with the first log object for which `pred` is true, waiting up to timeoutMs.
  async waitForLog(pred, timeoutMs = 5000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.logs().find(pred);
      if (found) return found;
      if (Date.now() > deadline) {
        throw new Error(`no matching log line within ${timeoutMs} ms:\n${this.lines().join('\n')}`);
      }
      await new Promise((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  #wake() {
    const w = this.waiters;
    this.waiters = [];
    for (const resolve of w) resolve();
  }

  // Sends `signal` (SIGTERM by default) and waits for the exit: resolves with {code, signal}.
  // Kills the process with SIGKILL if it has not exited within timeoutMs.
  async stop({ signal = 'SIGTERM', timeoutMs = 15000 } = {}) {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill(signal);
    }
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const result = await this.exited;
    clearTimeout(timer);
    this.#cleanup();
    return result;
  }

  // Kills at once (SIGKILL); for clean-up.
  async kill() {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
    this.#cleanup();
  }

  #cleanup() {
    if (this.dir && !this.keepDir) rmSync(this.dir, { recursive: true, force: true });
  }
}

// Starts `session-api serve` and resolves once it answers /health/live.
// Options:
//   t        node:test context: the process is killed when the test ends
//   config   TOML text, written to a temp file and passed with --config
//   env      extra environment variables (e.g. { SESSION_API_LOG_LEVEL: 'DEBUG' })
//   args     extra command-line arguments
//   listen   passed as --listen (default '127.0.0.1:0': a free port); null: not passed
//   dataDir  passed as --data-dir (default: a temp dir); null: not passed
//   cwd      working directory of the process (default: this process's)
//   timeoutMs how long to wait until ready (default 15 s)
export async function startServer({
  cwd,
  t,
  config,
  env = {},
  args = [],
  listen = '127.0.0.1:0',
  dataDir,
  timeoutMs = 15000,
} = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'session-api-e2e-'));
  const argv = ['serve'];
  if (config !== undefined) {
    const file = path.join(dir, 'config.toml');
    writeFileSync(file, config);
    argv.push('--config', file);
  }
  if (listen !== null) argv.push('--listen', listen);
  if (dataDir !== null) argv.push('--data-dir', dataDir ?? path.join(dir, 'data'));
  argv.push(...args);

  const child = spawn(BIN, argv, { cwd, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const server = new Server(child, dir);
  if (t) t.after(() => server.kill());

  const failed = server.exited.then(({ code, signal }) => {
    throw new Error(
      `session-api exited (code ${code}, signal ${signal}) before it was ready:\n` +
        server.lines().join('\n'),
    );
  });
  try {
    const fixedPort = listen ? Number(listen.slice(listen.lastIndexOf(':') + 1)) : 0;
    if (fixedPort) {
      // The start-up line may go to a log file: poll instead of reading it.
      server.port = fixedPort;
      await Promise.race([pollLive(server, timeoutMs), failed]);
    } else {
      const line = await Promise.race([
        server.waitForLog((l) => l.message === 'listening', timeoutMs),
        failed,
      ]);
      server.port = line.port;
      server.listening = line;
    }
    // One GET /health/live: tests that count requests see it.
    const res = await Promise.race([server.fetch('/health/live'), failed]);
    await res.arrayBuffer();
  } catch (e) {
    await server.kill();
    throw e;
  }
  failed.catch(() => {}); // later exits are the test's business
  return server;
}

async function pollLive(server, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await server.fetch('/health/live');
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`not ready within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// A loopback port that was free a moment ago (for tests that need to know it in advance).
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// Runs the binary to completion: resolves with {code, stdout, stderr}.
export function runCli(args, { env = {}, timeoutMs = 15000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, args, { env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

// Writes `text` to a new temp file and returns its path (for `--config` in runCli). The file
// is removed when the test file's process exits.
export function tempFile(name, text) {
  const dir = mkdtempSync(path.join(tmpdir(), 'session-api-e2e-'));
  tempDirs.add(dir);
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}
