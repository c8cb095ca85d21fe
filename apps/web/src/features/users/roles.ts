import type { Role } from '@organism/shared';
import { roleSchema } from '@organism/shared';

export const ROLES: readonly Role[] = roleSchema.options;

/**
 * What each role may do, as docs/api.md says it (the engine checks every call against it): a viewer's
 * reading, then what each role adds to the one below it, said as that, so no line reads as if a lower
 * role did it.
 */
export const ROLE_DOES: Record<Role, string> = {
  viewer: 'Reads everything (messages, threads, listeners, dead letters) and changes nothing.',
  // Short enough for two lines of the Users table at 1280 px.
  operator:
    'What a viewer may, and: send, retry and discard messages, kill threads, pause and resume listeners, reload the configuration.',
  admin:
    'What an operator may, and: edit or roll back the configuration, restart, manage users and API tokens, read the audit log.',
};
