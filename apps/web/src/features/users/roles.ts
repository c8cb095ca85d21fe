import type { Role } from '@organism/shared';
import { roleSchema } from '@organism/shared';

export const ROLES: readonly Role[] = roleSchema.options;

/** What each role may do, as docs/api.md says it: the engine checks every call against it. */
export const ROLE_DOES: Record<Role, string> = {
  viewer: 'Reads everything: messages, threads, listeners, dead letters.',
  operator:
    'What a viewer does; sends, retries and discards messages, kills threads, reloads the configuration.',
  admin:
    'What an operator does; changes the configuration, restarts the engine, manages users, tokens and the audit log.',
};
