/** A uuid as PostgreSQL prints it and the engine makes it: lower case, with its four dashes. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const LOWEST = '00000000-0000-0000-0000-000000000000';
const HIGHEST = 'ffffffff-ffff-ffff-ffff-ffffffffffff';

/**
 * Whether `id` can name an entry or a thread. Anything else is not looked up (it would be a PostgreSQL
 * error, 22P02): it names nothing. Only the canonical form, so that an id matches exactly as in SQLite.
 */
export function isUuid(id: string): boolean {
  return UUID.test(id);
}

/**
 * The uuids that start with `prefix` (lower case): from it padded with 0s to it padded with fs, both
 * inclusive, a range the primary key index seeks. Undefined when no uuid starts with it.
 */
export function uuidPrefixRange(prefix: string): { low: string; high: string } | undefined {
  const low = prefix + LOWEST.slice(prefix.length);
  // Padded, it is a uuid only if every character it has is a hex digit or a dash where a uuid has one.
  return isUuid(low) ? { low, high: prefix + HIGHEST.slice(prefix.length) } : undefined;
}
