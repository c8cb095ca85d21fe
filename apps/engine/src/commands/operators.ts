import { producerNameSchema, reservedSenderMessage, tokenNameSchema, userNameSchema } from '@organism/shared';
import type { ZodType } from 'zod';
import { loadConfigFile } from '../config/index.ts';
import { auditError, JournalError, newPassword, openOperatorFile } from '../journal/index.ts';
import type { OperatorStore } from '../journal/index.ts';

type Role = 'viewer' | 'operator' | 'admin';

/** What follows `organism user` and `organism token`, in the order --help gives them. */
const SUBCOMMANDS: Record<string, readonly string[]> = {
  user: ['add', 'list', 'remove', 'password'],
  token: ['create', 'list', 'revoke'],
};

/**
 * The subcommands that give something a new name, and the API's rule for it: a user the CLI added under a
 * name the API refuses could not be changed or removed from the console.
 */
const NEW_NAMES: Record<string, { what: string; schema: ZodType<string> }> = {
  'user add': { what: 'user name', schema: userNameSchema },
  'token create': { what: 'token name', schema: tokenNameSchema },
};

/**
 * `organism user …` and `organism token …` work on the journal directly (its SQLite file or its
 * PostgreSQL database), on a connection of their own, whether or not an engine runs on it: engines read
 * users and tokens from the journal on every check, so what they change counts at once.
 */
export async function operators(
  configPath: string,
  noun: string,
  verb: string | undefined,
  arg: string | undefined,
  opts: { role?: string; password?: string; from?: string },
): Promise<number> {
  // Checked before the config is loaded: a mistyped command is answered even away from organism.yaml.
  const verbs = SUBCOMMANDS[noun] ?? [];
  if (!verb || !verbs.includes(verb)) {
    console.error(
      verb
        ? `organism ${noun}: unknown subcommand ${JSON.stringify(verb)}; give one of: ${verbs.join(', ')}`
        : `organism ${noun}: give a subcommand: ${verbs.join(', ')}`,
    );
    return 2;
  }
  // Before the journal is opened (or created): a name refused changes nothing.
  const rule = NEW_NAMES[`${noun} ${verb}`];
  const named = rule && arg !== undefined ? rule.schema.safeParse(arg) : undefined;
  if (rule && named?.success === false) {
    console.error(
      `organism ${noun} ${verb}: the ${rule.what} ${JSON.stringify(arg)} is refused: ${named.error.issues[0]?.message}`,
    );
    return 2;
  }
  const cfg = await loadConfigFile(configPath);
  if (!cfg.ok) {
    console.error(cfg.problems.map((p) => p.message).join('\n'));
    return 1;
  }
  const { journal, listeners } = cfg.config;
  if (journal.driver === 'sqlite' && journal.path === ':memory:') {
    console.error(
      `${configPath}: journal.path is :memory:, so users and tokens live only inside the running engine; manage them through its API (users.*, as an admin)`,
    );
    return 1;
  }
  let file;
  try {
    file = await openOperatorFile(journal);
  } catch (err) {
    if (err instanceof JournalError) {
      console.error(err.message);
      return 1;
    }
    throw err;
  }
  try {
    const listenerNames = new Set(listeners.map((l) => l.name));
    return await act(file.store, `${noun} ${verb}`, arg, { ...opts, listenerNames });
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    return 1;
  } finally {
    await file.close();
  }
}

async function act(
  store: OperatorStore,
  command: string,
  arg: string | undefined,
  opts: { role?: string; password?: string; from?: string; listenerNames: ReadonlySet<string> },
): Promise<number> {
  const need = (what: string): string => {
    if (!arg) throw new Error(`missing ${what}`);
    return arg;
  };
  switch (command) {
    case 'user list':
      for (const u of await store.listUsers()) console.log(`${u.name.padEnd(24)} ${u.role}`);
      return 0;
    case 'user add': {
      const role = (opts.role ?? 'viewer') as Role;
      if (!['viewer', 'operator', 'admin'].includes(role))
        throw new Error('--role must be viewer, operator or admin');
      const password = opts.password ?? process.env.ORGANISM_PASSWORD;
      if (!password) throw new Error('give the password with --password or ORGANISM_PASSWORD');
      const name = need('user name');
      await audited(store, 'user.add', name, { role }, () => store.createUser(name, role, password));
      console.log(`added ${name} (${role})`);
      return 0;
    }
    case 'user password': {
      // A lost password is reset here, on the host: no sign-in needed, so the last admin can recover.
      const name = need('user name');
      const given = opts.password ?? process.env.ORGANISM_PASSWORD;
      const password = given ?? newPassword();
      await audited(store, 'user.password', name, null, () => store.setPassword(name, password));
      console.log(
        given !== undefined
          ? `set the password of ${name}; their sessions have ended`
          : `set the password of ${name} to ${password}  (shown once: sign in and change it); their sessions have ended`,
      );
      return 0;
    }
    case 'user remove': {
      const name = need('user name');
      await audited(store, 'user.remove', name, null, () => store.removeUser(name));
      console.log(`removed ${name}`);
      return 0;
    }
    case 'token create': {
      // `--from a,b`: the producer names the token may send as. A listener's name is refused here, as the
      // engine would refuse every envelope sent with it (SENDER_RESERVED).
      const producers = opts.from?.split(',').map((n) => {
        const name = producerNameSchema.safeParse(n);
        if (!name.success) throw new Error(`--from ${JSON.stringify(n)}: ${name.error.issues[0]?.message}`);
        const reserved = reservedSenderMessage(name.data, (l) => opts.listenerNames.has(l));
        if (reserved) throw new Error(`--from ${JSON.stringify(n)}: ${reserved}`);
        return name.data;
      });
      const name = need('token name');
      const { token, id } = await audited(store, 'token.create', name, producers ? { producers } : null, () =>
        store.createToken(name, 'cli', producers),
      );
      console.log(`token ${id} for ${name}:\n${token}\n(shown once: it is stored hashed)`);
      return 0;
    }
    case 'token revoke': {
      const id = need('token id');
      const { revokedAt, alreadyRevoked } = await audited(store, 'token.revoke', id, null, () =>
        store.revokeToken(id),
      );
      console.log(
        alreadyRevoked
          ? `token ${id} was already revoked at ${new Date(revokedAt).toISOString()}; nothing changed`
          : `revoked ${id}`,
      );
      return 0;
    }
    case 'token list':
      for (const t of await store.listTokens())
        console.log(
          `${t.id}  ${t.name.padEnd(20)} ${t.revokedAt ? 'revoked' : 'active '}${t.producers ? `  from ${t.producers.join(',')}` : ''}`,
        );
      return 0;
    default:
      // operators() let through only the subcommands it lists: one listed here but not handled is a bug.
      throw new Error(`organism ${command} is listed but not handled`);
  }
}

/**
 * Runs a change to the journal's users or tokens and writes it to the audit log as `cli`, refused or done,
 * as the API records its own: a refusal (a name taken, the last admin) is logged with its reason, then
 * reported to the caller.
 */
async function audited<T>(
  store: OperatorStore,
  action: string,
  target: string,
  detail: object | null,
  change: () => Promise<T>,
): Promise<T> {
  const entry = { actor: 'cli', action, target, detail: detail ? JSON.stringify(detail) : null };
  let result: T;
  try {
    result = await change();
  } catch (err) {
    await store.audit({ ...entry, outcome: 'error', error: auditError(err) }).catch(() => undefined);
    throw err;
  }
  await store.audit({ ...entry, outcome: 'ok', error: null });
  return result;
}
