import { fork, type ChildProcess } from 'child_process';
import path from 'path';

import type { TestDatabase } from './database';
import { TEST_APP_DIR, testAppEnv, type BootOptions } from './strapi';

/** What the outbox holds, as the child reads it. */
export interface OutboxCounts {
  /** Change rows not planned yet. */
  changes: number;
  /** Batches waiting for (re)delivery. */
  pending: number;
  /** Log rows (one per recorded attempt). */
  logs: number;
}

/** A Strapi process on a test database (test/helpers/strapi-child.js), driven over IPC. */
export interface StrapiChild {
  process: ChildProcess;
  /** With `deferBoot`: starts Strapi's boot (its modules are loaded already); else a no-op. */
  boot(): void;
  /** Resolves once Strapi has loaded (its worker is running); rejects if the child dies first. */
  ready: Promise<{ pid: number; bootMs: number }>;
  /** Publishes an article; resolves with its documentId once the write has committed. */
  publish(slug: string): Promise<string>;
  outbox(): Promise<OutboxCounts>;
  /** Slugs of every published article in the database. */
  published(): Promise<string[]>;
  /** SIGKILL, then wait for the process to be gone. */
  kill(): Promise<void>;
  /** strapi.destroy() in the child (in-flight requests are released), then wait for its exit. */
  stop(): Promise<void>;
  /** What the child printed so far (Strapi's logs at STRAPI_LOG_LEVEL, crashes), last 200 kB. */
  output(): string;
}

export interface ChildOptions extends BootOptions {
  /** Load modules and run Strapi's register phase, then wait for `boot()` to touch the database. */
  deferBoot?: boolean;
  /** Rejects `ready` after this long, counted from the boot (a Postgres boot under load is slow). */
  bootTimeoutMs?: number;
  /** Rejects a command after this long. */
  commandTimeoutMs?: number;
}

const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

const withTimeout = <T>(promise: Promise<T>, ms: number, what: string) =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error) => (clearTimeout(timer), reject(error))
    );
  });

/** Starts a Strapi child process on `database` with the plugin config in `options`. */
export function startStrapiChild(database: TestDatabase, options: ChildOptions = {}): StrapiChild {
  const { deferBoot = false, bootTimeoutMs = 60_000, commandTimeoutMs = 30_000 } = options;
  const child = fork(path.join(__dirname, 'strapi-child.js'), [], {
    env: { ...process.env, ...testAppEnv(database, options), TEST_APP_DIR, STRAPI_CHILD_DEFER_BOOT: String(deferBoot) },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  // Strapi logs to stdout, crashes go to stderr: one buffer keeps them in order, without the
  // colour codes Strapi's logger writes even to a pipe.
  let output = '';
  const collect = (chunk: Buffer) => (output = (output + String(chunk).replace(ANSI_COLOUR, '')).slice(-200_000));
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);

  // send() to a child that just died emits 'error'; the 'exit' that follows fails what waits.
  child.on('error', (error) => collect(Buffer.from(`\n[child.ts] ${error.message}\n`)));

  let gone: Error | undefined;
  const waiting = new Map<number, { resolve: (reply: any) => void; reject: (error: Error) => void }>();
  let settleReady!: { resolve: (info: { pid: number; bootMs: number }) => void; reject: (error: Error) => void };
  const ready = new Promise<{ pid: number; bootMs: number }>((resolve, reject) => (settleReady = { resolve, reject }));
  // A child killed before anyone awaited `ready` must not surface as an unhandled rejection.
  ready.catch(() => undefined);

  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      gone = new Error(`strapi child ${child.pid} exited (${code ?? signal})${output ? `: ${output.slice(-2000)}` : ''}`);
      settleReady.reject(gone);
      for (const { reject } of waiting.values()) reject(gone);
      waiting.clear();
      resolve();
    })
  );

  let nextId = 0;
  child.on('message', (message: any) => {
    if (message.ready) return settleReady.resolve({ pid: message.pid, bootMs: message.bootMs });
    const pending = waiting.get(message.id);
    if (!pending) return;
    waiting.delete(message.id);
    if (message.ok) pending.resolve(message);
    else pending.reject(new Error(`strapi child ${child.pid}: ${message.error}`));
  });

  const command = (cmd: string, args: Record<string, unknown> = {}) => {
    if (gone || !child.connected) return Promise.reject(gone ?? new Error(`strapi child ${child.pid} is gone`));
    const id = nextId++;
    const reply = new Promise<any>((resolve, reject) => waiting.set(id, { resolve, reject }));
    child.send({ id, cmd, ...args });
    return withTimeout(reply, commandTimeoutMs, `strapi child ${child.pid} ${cmd}`);
  };

  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  let bootStarted = false;
  const boot = () => {
    if (bootStarted) return;
    bootStarted = true;
    // Counted from the boot, not the fork: a deferred child may wait a while before it.
    const timer = setTimeout(() => settleReady.reject(new Error(`strapi child ${child.pid}: not booted within ${bootTimeoutMs} ms`)), bootTimeoutMs);
    ready.catch(() => undefined).finally(() => clearTimeout(timer));
    if (deferBoot && child.connected) child.send({ cmd: 'boot' });
  };
  if (!deferBoot) boot();

  return {
    process: child,
    boot,
    ready,
    publish: async (slug) => (await command('publish', { slug })).documentId as string,
    async outbox() {
      const { changes, pending, logs } = await command('outbox');
      return { changes, pending, logs };
    },
    published: async () => (await command('published')).slugs as string[],
    kill,
    async stop() {
      if (!gone) await command('stop').catch(() => undefined);
      await withTimeout(exited, 15_000, `strapi child ${child.pid} stop`).catch(kill);
    },
    output: () => output,
  };
}
