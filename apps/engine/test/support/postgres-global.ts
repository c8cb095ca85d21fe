/**
 * Vitest global setup: a throwaway PostgreSQL for the PostgreSQL journal's tests (fsync off, on a free
 * loopback port, in a temporary folder removed afterwards), installed from Debian when missing.
 * Tests reach it through `inject('postgresUrl')`, each in a schema of its own (postgres-test.ts).
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startPostgres, stopPostgres } from '../../../../scripts/postgres.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const parent = mkdtempSync(join(tmpdir(), 'organism-pg-'));
  // As root the server runs as Debian's `postgres` user, which must reach its folder inside this one.
  chmodSync(parent, 0o755);
  const dir = join(parent, 'data');
  const server = await startPostgres({ dir, durable: false });
  project.provide('postgresUrl', server.url);
  return () => {
    stopPostgres(dir);
    rmSync(parent, { recursive: true, force: true });
  };
}
