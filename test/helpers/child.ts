import { spawn, type ChildProcess } from 'child_process';
import path from 'path';

import type { TestDatabase } from './database';
import { TEST_APP_DIR, testAppEnv, type BootOptions } from './strapi';

export interface CrashChild {
  process: ChildProcess;
  /** Resolves with the documentId once the child's write has returned. */
  wrote: Promise<string>;
  /** SIGKILL, then wait for the process to be gone. */
  kill(): Promise<void>;
}

/** Starts a Strapi child process on `database` that publishes an article with `slug`. */
export function startCrashChild(database: TestDatabase, slug: string, options: BootOptions): CrashChild {
  const child = spawn(process.execPath, [path.join(__dirname, 'crash-child.js'), slug], {
    env: { ...process.env, ...testAppEnv(database, options), TEST_APP_DIR },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const wrote = new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const match = /WROTE (\S+)/.exec(out);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code, signal) => reject(new Error(`crash child exited (${code ?? signal}) before writing: ${stderr}`)));
  });
  return {
    process: child,
    wrote,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
