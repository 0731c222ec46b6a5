import { existsSync, promises as fs } from 'fs';
import path from 'path';

import { createTestDatabase, testDatabaseClient } from '../helpers/database';

describe('test database helper', () => {
  const saved = process.env.TEST_DB;
  afterEach(() => {
    if (saved === undefined) delete process.env.TEST_DB;
    else process.env.TEST_DB = saved;
  });

  it.each([
    [undefined, 'sqlite'],
    ['sqlite', 'sqlite'],
    ['', 'sqlite'],
    ['postgres', 'postgres'],
  ])('TEST_DB=%s selects %s', (value, expected) => {
    if (value === undefined) delete process.env.TEST_DB;
    else process.env.TEST_DB = value;
    expect(testDatabaseClient()).toBe(expected);
  });

  it('refuses a database it does not support, naming the variable', () => {
    process.env.TEST_DB = 'mysql';
    expect(() => testDatabaseClient()).toThrow(/TEST_DB must be "sqlite" or "postgres", got "mysql"/);
  });

  it('gives each caller its own sqlite file and deletes it with its folder', async () => {
    delete process.env.TEST_DB;
    const a = await createTestDatabase();
    const b = await createTestDatabase();
    const fileA = a.env.DATABASE_FILENAME;
    expect(path.isAbsolute(fileA)).toBe(true);
    expect(fileA).not.toBe(b.env.DATABASE_FILENAME);
    await fs.writeFile(fileA, 'x');
    await a.drop();
    await b.drop();
    expect(existsSync(path.dirname(fileA))).toBe(false);
  });
});
