import { userNameSchema } from '@organism/shared';
import { JournalError, newPassword } from '../journal/index.ts';
import type { OperatorStore } from '../journal/index.ts';

/**
 * The first admin cannot be made as the environment asks (a name the API refuses, a password too short):
 * nothing retried helps.
 */
export class FirstAdminError extends Error {
  override name = 'FirstAdminError';
}

/**
 * On first start (no users yet) creates an admin: from ORGANISM_ADMIN_USER / ORGANISM_ADMIN_PASSWORD
 * when set, else `admin` with a generated password that is printed once and never stored in clear.
 * Engines that start together on one PostgreSQL journal all see no users: the first to create one wins,
 * and the others go on without.
 */
export async function ensureFirstAdmin(
  store: OperatorStore,
  env: NodeJS.ProcessEnv,
  print: (line: string) => void,
): Promise<void> {
  if ((await store.countUsers()) > 0) return;
  const name = env.ORGANISM_ADMIN_USER ?? 'admin';
  // The API's rule for a user's name: an admin named otherwise could not be changed from the console.
  const named = userNameSchema.safeParse(name);
  if (!named.success)
    throw new FirstAdminError(
      `cannot create the first admin ${JSON.stringify(name)} from ORGANISM_ADMIN_USER: ${named.error.issues[0]?.message}`,
    );
  const given = env.ORGANISM_ADMIN_PASSWORD;
  const password = given ?? newPassword();
  try {
    await store.createUser(name, 'admin', password);
  } catch (err) {
    if ((await store.countUsers()) > 0) return;
    // The store's words are for a user typing a password; here a variable gave it.
    if (given !== undefined && err instanceof JournalError && err.code === 'FORBIDDEN')
      throw new FirstAdminError(
        `cannot create the first admin "${name}" from ORGANISM_ADMIN_PASSWORD: ${err.message} (it has ${given.length})`,
        { cause: err },
      );
    throw err;
  }
  await store.audit({
    actor: 'system',
    action: 'user.add',
    target: name,
    detail: JSON.stringify({ role: 'admin', firstStart: true }),
    outcome: 'ok',
    error: null,
  });
  if (given) print(`created admin user "${name}" from ORGANISM_ADMIN_USER / ORGANISM_ADMIN_PASSWORD`);
  else print(`created admin user "${name}" with password ${password}  (shown once: sign in and change it)`);
}
