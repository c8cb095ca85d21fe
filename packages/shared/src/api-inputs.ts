import { z } from 'zod';
import { isUuidV4, producerNameSchema } from './ids.ts';
import { messageFilterSchema, transitionStates } from './journal.ts';

/** Inputs of the engine's API procedures, shared so the console validates forms with the same rules. */

export const roleSchema = z.enum(['viewer', 'operator', 'admin']);
export type Role = z.infer<typeof roleSchema>;

/** A user's name, from the API, the CLI (`organism user add`) and ORGANISM_ADMIN_USER alike. */
export const userNameSchema = z
  .string()
  .min(1, 'give a name')
  .max(100, 'at most 100 characters')
  .regex(/^[\w.@-]+$/, 'only letters, digits and . _ - @ (no spaces)');
/** An API token's name, from the API and `organism token create` alike. */
export const tokenNameSchema = z.string().min(1, 'give a name').max(100, 'at most 100 characters');
export const passwordSchema = z.string().min(8, 'at least 8 characters').max(1000);

/**
 * The input of a procedure that takes none: nothing, null or an empty object (what many clients post for
 * a mutation). Anything else is refused, a key by its name: a caller who meant another procedure, or
 * thought this one filters, hears so rather than getting an answer to a question it did not ask.
 */
export const noInputSchema = z
  .strictObject(
    {},
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `takes no input: ${issue.keys.map((key) => JSON.stringify(key)).join(', ')} ${issue.keys.length === 1 ? 'is not a key' : 'are not keys'} it knows`
          : 'takes no input: send nothing, or {}',
    },
  )
  .nullish();

export const loginInputSchema = z.strictObject({
  name: z.string().min(1).max(100),
  password: z.string().min(1).max(1000),
});
export const byIdInputSchema = z.strictObject({ id: z.string().min(1) });
/** A thread named to act on it (`threads.kill`): a thread id is a UUIDv4, whatever else is sent. */
const threadIdSchema = z.string().refine(isUuidV4, 'not a thread id: a thread id is a UUID (version 4)');
export const threadRefInputSchema = z.strictObject({ id: threadIdSchema });
/** How many of a thread's latest hops `threads.byId` gives at first, and how many more each time it is asked. */
export const THREAD_HOPS_STEP = 500;
/** The most hops of one thread `threads.byId` gives: beyond it, `threads.messages` pages them. */
export const THREAD_HOPS_MAX = 5000;
/** `threads.byId`: one thread, with its latest `hops` hops. */
export const threadByIdInputSchema = byIdInputSchema.extend({
  hops: z.number().int().min(1).max(THREAD_HOPS_MAX).default(THREAD_HOPS_STEP),
});
export const byNameInputSchema = z.strictObject({ name: z.string().min(1) });
/** A durable extension's failures (`extensions.failures`). */
export const extensionFailuresInputSchema = z.strictObject({
  extension: z.string().min(1),
  limit: z.number().int().min(1).max(500).default(100),
  /**
   * The next page begins after this failure: the last one of the page before, by its place in the order
   * (`dead`: its `nextAt` is null). Null or absent: from the first.
   */
  cursor: z.strictObject({ dead: z.boolean(), createdAt: z.number().int(), id: z.string().min(1) }).nullish(),
});
export const byExtensionInputSchema = z.strictObject({ extension: z.string().min(1) });
/** One failure of a durable extension, to retry or discard. */
export const extensionFailureInputSchema = z.strictObject({
  extension: z.string().min(1),
  id: z.string().min(1),
});
export const messageIdInputSchema = z.strictObject({ messageId: z.string().min(1) });
export const exampleInputSchema = z.strictObject({ name: z.string().min(1), root: z.string().optional() });
export const restartInputSchema = z.strictObject({
  drainMs: z.number().int().min(0).max(600_000).default(30_000),
});
/**
 * A bulk action's filter: a message filter over the dead letters. `state` may only say so (FAILED): any
 * other state is refused, never dropped, since a filter dropped would widen the action to every dead letter.
 */
export const deadLetterFilterSchema = messageFilterSchema.extend({
  state: z
    .literal('FAILED', { error: 'bulk actions take only dead letters: leave state out, or give FAILED' })
    .optional(),
});
export const retryManyInputSchema = z.strictObject({ filter: deadLetterFilterSchema, dryRun: z.boolean() });
/** Discard many: the same filter and dry run as a bulk retry, over every dead letter (refused input too). */
export const discardManyInputSchema = retryManyInputSchema;
export const injectInputSchema = z.strictObject({
  to: z.string().optional(),
  /**
   * The thread to send in; left out, a new one. Not a thread id is refused, where the pipeline, given an
   * envelope's, starts a new thread and says so only in the message's diagnostics.
   */
  thread: threadIdSchema.optional(),
  payloadXml: z.string().min(1),
  /** The message this one sends again (Send again, Edit and send): the new entries link to it. */
  republishOf: z.string().min(1).max(200).optional(),
});
/** `messages.check`: a payload to check against `to`'s contract (nothing is sent). */
export const checkPayloadInputSchema = z.strictObject({
  to: z.string().min(1).max(200),
  payloadXml: z.string(),
});
export const yamlInputSchema = z.strictObject({ yaml: z.string().max(1_000_000) });
export const saveConfigInputSchema = yamlInputSchema.extend({
  note: z.string().max(500).optional(),
  /**
   * The `version` of organism.yaml (`config.get`) the edit began from: the save is refused with CONFLICT
   * when the file changed since (another operator's save, a rollback, an edit on disk). Left out, the save
   * writes over whatever is there.
   */
  basedOn: z.string().max(64).optional(),
});
/** A rollback to history entry `id`; `basedOn` as for a save: refused with CONFLICT once the file moved on. */
export const rollbackConfigInputSchema = byIdInputSchema.extend({ basedOn: z.string().max(64).optional() });
/**
 * How far past its limit the engine reads a request body through (and drops it) before refusing it on a
 * connection that stays open; a bigger body is refused unread, the connection closed under its upload.
 * The console passes on no bigger body: it answers that refusal itself (its engine proxy).
 */
export const BODY_READ_THROUGH_BYTES = 16 * 1024 * 1024;
/** The largest XSD or handler module the console may upload (characters of text). */
export const MAX_ORGANISM_FILE_CHARS = 512 * 1024;
const HIDDEN_OR_PACKAGES = /^\.|^node_modules$/;
/**
 * Where an uploaded file goes: a relative path inside the organism folder, with `/` between folders,
 * ending in .xsd or a handler module's extension, never into a hidden folder or node_modules.
 */
export const organismFilePathSchema = z
  .string()
  .min(1, 'name the file, e.g. schemas/echo.xsd')
  .max(300, 'at most 300 characters')
  .superRefine((path, ctx) => {
    const problem = (message: string) => ctx.addIssue({ code: 'custom', message, input: path });
    if (path.includes('\\') || path.includes('\0')) return problem('use / between folders, no \\ or NUL');
    if (path.startsWith('/') || /^[A-Za-z]:/.test(path))
      return problem('a path relative to the organism folder, not an absolute one');
    const parts = path.split('/');
    if (parts.some((p) => p === '..')) return problem('".." would leave the organism folder');
    if (parts.some((p) => p === '' || p === '.')) return problem('empty or "." folder names are not allowed');
    if (parts.some((p) => HIDDEN_OR_PACKAGES.test(p)))
      return problem('not into hidden folders or node_modules');
    if (!/\.(xsd|ts|mts|js|mjs)$/.test(path) || path.endsWith('.d.ts'))
      return problem('an XSD (.xsd) or a handler module (.ts, .mts, .js, .mjs)');
  });
/** `config.upload`: an XSD or handler module written into the organism folder once it is found sound. */
export const uploadOrganismFileInputSchema = z.strictObject({
  path: organismFilePathSchema,
  content: z.string().max(MAX_ORGANISM_FILE_CHARS, 'at most 512 KiB'),
  /** Replace a file already there; without it, an existing file is refused (`CONFLICT`). */
  overwrite: z.boolean().default(false),
});
export type UploadOrganismFileInput = z.input<typeof uploadOrganismFileInputSchema>;
export const addUserInputSchema = z.strictObject({
  name: userNameSchema,
  role: roleSchema,
  password: passwordSchema,
});
export const setRoleInputSchema = z.strictObject({ name: userNameSchema, role: roleSchema });
export const setPasswordInputSchema = z.strictObject({ name: userNameSchema, password: passwordSchema });
export const userRefInputSchema = z.strictObject({ name: userNameSchema });
export const tokenNameInputSchema = z.strictObject({ name: tokenNameSchema });
/** A token may be bound to the producer names (`<from>`) it may send as; without a list, to any. */
export const createTokenInputSchema = tokenNameInputSchema.extend({
  producers: z.array(producerNameSchema).min(1).max(100).optional(),
});
/**
 * `auth.changePassword`: a signed-in user's own password, checked against the current one first (a
 * session left open on a shared screen must not be enough to take the account over).
 */
export const changePasswordInputSchema = z.strictObject({
  currentPassword: z.string().min(1, 'enter your current password').max(1000),
  newPassword: passwordSchema,
});
export const auditOutcomes = ['ok', 'error'] as const;
/**
 * `audit.list`: newest first, keyset-paged on the entry's sequence number. `actor` and `action` match
 * exactly; `since` and `until` (ms since the epoch) bound `at`, both inclusive. Unknown keys are refused.
 */
export const auditListInputSchema = z.strictObject({
  limit: z.number().int().min(1).max(500).default(50),
  cursor: z.string().optional(),
  actor: z.string().min(1).max(200).optional(),
  action: z.string().min(1).max(200).optional(),
  outcome: z.enum(auditOutcomes).optional(),
  since: z.number().int().nonnegative().optional(),
  until: z.number().int().nonnegative().optional(),
});
/**
 * `events.stream`: resume after `lastEventId` (opaque, from the last item received). The filters apply to
 * transitions only; `events: false` leaves engine events out. Unknown keys (the retired `listener`) are
 * refused.
 */
export const eventStreamInputSchema = z.strictObject({
  lastEventId: z.string().max(200).nullish(),
  threadId: z.string().optional(),
  to: z.string().optional(),
  from: z.string().optional(),
  participant: z.string().optional(),
  root: z.string().optional(),
  states: z.array(z.enum(transitionStates)).optional(),
  events: z.boolean().default(true),
});
export type EventStreamInput = z.input<typeof eventStreamInputSchema>;
/** `listeners.routes`: the routes taken in the last `windowSeconds`. */
export const routesInputSchema = z.strictObject({
  windowSeconds: z.number().int().min(10).max(3600).default(300),
});
/** `listeners.elements`: the element tree of a listener's contract, for one root or all of them. */
export const elementsInputSchema = z.strictObject({
  name: z.string().min(1),
  root: z.string().min(1).optional(),
});
/** `journal.deadLetters`: dead letters grouped by listener and error code. */
export const deadLettersInputSchema = z.strictObject({
  to: z.string().optional(),
  errorCode: z.string().optional(),
  limit: z.number().int().min(1).max(500).default(100),
});
export type DeadLettersInput = z.input<typeof deadLettersInputSchema>;
/**
 * `journal.latestFailures`: the dead letters and refusals that failed last, by when they failed (a retried
 * one fails again well after it was made).
 */
export const latestFailuresInputSchema = z.strictObject({
  limit: z.number().int().min(1).max(100).default(8),
});
export type LatestFailuresInput = z.input<typeof latestFailuresInputSchema>;
/** `organism.find`: a message or thread by id or id prefix, a listener by part of its name. */
export const findInputSchema = z.strictObject({ q: z.string().trim().min(1).max(200) });
export const threadMessagesInputSchema = z.strictObject({
  id: threadIdSchema,
  limit: z.number().int().min(1).max(500).default(100),
  cursor: z.string().optional(),
});
