import { randomBytes } from 'crypto';
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';

/** Environment variables that point test/app's config/database.js at one fresh database. */
export interface TestDatabase {
  client: 'sqlite' | 'postgres';
  env: Record<string, string>;
  /** Deletes the database (file or Postgres database). Safe to call twice. */
  drop(): Promise<void>;
}

/** `TEST_DB=postgres` runs the integration tests on PostgreSQL; unset or `sqlite` means sqlite. */
export const testDatabaseClient = (): 'sqlite' | 'postgres' => {
  const value = process.env.TEST_DB || 'sqlite';
  if (value !== 'sqlite' && value !== 'postgres') {
    throw new Error(`TEST_DB must be "sqlite" or "postgres", got "${value}"`);
  }
  return value;
};

const uniqueName = () => `revalidation_${process.pid}_${randomBytes(4).toString('hex')}`;

/** A temp sqlite file, deleted (with its journal files) by `drop`. */
const createSqlite = async (): Promise<TestDatabase> => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'revalidation-db-'));
  const filename = path.join(dir, `${uniqueName()}.db`);
  return {
    client: 'sqlite',
    // config/database.js resolves the filename against the app folder; an absolute path wins.
    env: { DATABASE_CLIENT: 'sqlite', DATABASE_FILENAME: filename },
    drop: () => fs.rm(dir, { recursive: true, force: true }),
  };
};

/** Connection settings of the Postgres server the tests use (`.ci/run` starts one on loopback). */
export const postgresServer = () => ({
  host: process.env.PGHOST || '127.0.0.1',
  port: Number(process.env.PGPORT || 5432),
  user: process.env.PGUSER || 'postgres',
  password: process.env.PGPASSWORD || '',
});

/** A new database on the test Postgres server, dropped by `drop`. */
const createPostgres = async (): Promise<TestDatabase> => {
  // Loaded lazily so sqlite runs never need a Postgres driver at import time.
  const { Client } = await import('pg');
  const server = postgresServer();
  const name = uniqueName();
  const admin = new Client({ ...server, database: 'postgres' });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `TEST_DB=postgres but no server answers at ${server.host}:${server.port} as ${server.user}: ` +
        `${(error as Error).message}. Start one (see .ci/run) or unset TEST_DB.`
    );
  }
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  let dropped = false;
  return {
    client: 'postgres',
    env: {
      DATABASE_CLIENT: 'postgres',
      DATABASE_HOST: server.host,
      DATABASE_PORT: String(server.port),
      DATABASE_USERNAME: server.user,
      DATABASE_PASSWORD: server.password,
      DATABASE_NAME: name,
    },
    async drop() {
      if (dropped) return;
      dropped = true;
      const client = new Client({ ...server, database: 'postgres' });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
};

/** One fresh database for one test file (or one child process group). */
export const createTestDatabase = (): Promise<TestDatabase> =>
  testDatabaseClient() === 'postgres' ? createPostgres() : createSqlite();
