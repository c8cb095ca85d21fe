import { producerNameSchema } from '@organism/shared';
import { loadConfigFile } from '../config/index.ts';
import { JournalError, openOperatorFile } from '../journal/index.ts';
import type { OperatorStore } from '../journal/index.ts';

type Role = 'viewer' | 'operator' | 'admin';

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
  const cfg = await loadConfigFile(configPath);
  if (!cfg.ok) {
    console.error(cfg.problems.map((p) => p.message).join('\n'));
    return 1;
  }
  const { journal } = cfg.config;
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
    return await act(file.store, `${noun} ${verb ?? ''}`.trim(), arg, opts);
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
  opts: { role?: string; password?: string; from?: string },
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
      await store.createUser(need('user name'), role, password);
      await store.audit({
        actor: 'cli',
        action: 'user.add',
        target: arg ?? null,
        detail: JSON.stringify({ role }),
        outcome: 'ok',
        error: null,
      });
      console.log(`added ${arg ?? ''} (${role})`);
      return 0;
    }
    case 'user remove':
      await store.removeUser(need('user name'));
      await store.audit({
        actor: 'cli',
        action: 'user.remove',
        target: arg ?? null,
        detail: null,
        outcome: 'ok',
        error: null,
      });
      console.log(`removed ${arg ?? ''}`);
      return 0;
    case 'token create': {
      // `--from a,b`: the producer names the token may send as.
      const producers = opts.from?.split(',').map((n) => {
        const name = producerNameSchema.safeParse(n);
        if (!name.success) throw new Error(`--from ${JSON.stringify(n)}: ${name.error.issues[0]?.message}`);
        return name.data;
      });
      const { token, id } = await store.createToken(need('token name'), 'cli', producers);
      await store.audit({
        actor: 'cli',
        action: 'token.create',
        target: arg ?? null,
        detail: producers ? JSON.stringify({ producers }) : null,
        outcome: 'ok',
        error: null,
      });
      console.log(`token ${id} for ${arg ?? ''}:\n${token}\n(shown once: it is stored hashed)`);
      return 0;
    }
    case 'token revoke':
      await store.revokeToken(need('token id'));
      await store.audit({
        actor: 'cli',
        action: 'token.revoke',
        target: arg ?? null,
        detail: null,
        outcome: 'ok',
        error: null,
      });
      console.log(`revoked ${arg ?? ''}`);
      return 0;
    case 'token list':
      for (const t of await store.listTokens())
        console.log(
          `${t.id}  ${t.name.padEnd(20)} ${t.revokedAt ? 'revoked' : 'active '}${t.producers ? `  from ${t.producers.join(',')}` : ''}`,
        );
      return 0;
    default:
      throw new Error(`unknown command: organism ${command}`);
  }
}
