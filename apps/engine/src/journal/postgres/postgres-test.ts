import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import type { PostgresSettings } from './open-postgres.ts';

/**
 * Settings for a fresh, empty PostgreSQL journal in the test run's server (test/support/postgres-global.ts):
 * a schema of its own per call, so tests never see each other's rows.
 */
export function freshPostgres(durability: 'strict' | 'fast' = 'fast'): PostgresSettings {
  return {
    url: inject('postgresUrl'),
    durability,
    schema: `t_${randomBytes(6).toString('hex')}`,
    poolSize: 4,
  };
}
