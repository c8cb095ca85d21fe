import { z } from 'zod';

/** Opaque UUIDv4 naming a conversation. The call chain behind it stays inside the engine. */
export const threadIdSchema = z.uuid({ version: 'v4' }).brand<'ThreadId'>();
export type ThreadId = z.infer<typeof threadIdSchema>;

/**
 * A UUID naming one journal entry: one delivery of one message to one listener. The engine makes
 * version 8 ids that start with the microsecond they were made in (engine `pump/message-id.ts`);
 * journals written before 2026-12-04 hold version 4 ids.
 */
export const messageIdSchema = z.uuid().brand<'MessageId'>();
export type MessageId = z.infer<typeof messageIdSchema>;

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** True when `value` is a well-formed UUIDv4 (the only shape a thread id may take). */
export function isUuidV4(value: string): boolean {
  return UUID_V4.test(value);
}

/**
 * Listener names: letters, digits, `_`, `-` and dots (`system.boot`, `tools.calculator`). Strict, because
 * they appear in configuration, routes and metrics; a producer's name is a different thing (below).
 */
export const listenerNameSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*$/, 'letters, digits, _ and -, dot-separated');

/**
 * An outside producer's name, the envelope's `<from>`: its own business, so anything the reference's
 * envelope.xsd accepts (an `xs:string`) that is not blank — `console:Jane Doe`, `billing`, `calculator.add`.
 * It may not be the name of one of the engine's listeners or `system`/`system.*` (SENDER_RESERVED).
 */
export const producerNameSchema = z
  .string()
  .trim()
  .min(1, 'a producer name may not be blank')
  // Each message names the name it refuses: in a list (a token's producers) it says which one.
  .superRefine((name, ctx) => {
    if (name.length > 1000)
      ctx.addIssue({
        code: 'custom',
        message: `a producer name is at most 1000 characters; ${name.slice(0, 20)}… has ${name.length}`,
      });
    // The listeners' names need the organism: whoever knows it checks them with reservedSenderMessage.
    const message = reservedSenderMessage(name, () => false);
    if (message) ctx.addIssue({ code: 'custom', message });
  });

/** True when an outside producer may not use `name`: it is `system` or a `system.*` listener's. */
export function isSystemName(name: string): boolean {
  return name === 'system' || name.startsWith('system.');
}

/**
 * Why an outside producer may not send as `name` (the engine refuses that `<from>` with SENDER_RESERVED),
 * or undefined when it may. `isListener` tells the organism's listeners; a token is refused such a name.
 */
export function reservedSenderMessage(
  name: string,
  isListener: (name: string) => boolean,
): string | undefined {
  if (isSystemName(name))
    return `${name} is reserved for the engine: a producer may not send as system or system.* (SENDER_RESERVED)`;
  if (isListener(name))
    return `${name} is a listener of this organism: a producer may not send as a listener (SENDER_RESERVED)`;
  return undefined;
}
