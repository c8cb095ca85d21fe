import { z } from 'zod';
import { listenerNameSchema } from '@organism/shared';
import { parseByteSize, parseDuration } from './units.ts';

const duration = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const ms = parseDuration(v);
  if (ms === undefined) ctx.addIssue({ code: 'custom', message: `not a duration: ${JSON.stringify(v)} (use ms, or "500ms", "5s", "2m")` });
  return ms ?? 0;
});
const byteSize = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const n = parseByteSize(v);
  if (n === undefined) ctx.addIssue({ code: 'custom', message: `not a size: ${JSON.stringify(v)} (use bytes, or "512KiB", "1MiB")` });
  return n ?? 0;
});
const positive = z.number().int().positive();

export const retrySchema = z.strictObject({
  maxAttempts: positive.optional(),
  initialDelayMs: duration.optional(),
  maxDelayMs: duration.optional(),
});

export const listenerSchema = z.strictObject({
  name: listenerNameSchema.refine((n) => !n.startsWith('system.'), 'names starting with "system." are reserved for the engine'),
  description: z.string().trim().min(1, 'describe what the listener does'),
  payload: z.strictObject({
    schema: z.string().min(1),
    root: z
      .string()
      .regex(/^(\{[^{}]+\})?[A-Za-z_][\w.-]*$/, 'a local element name like "order", or "{namespace}order"')
      .optional(),
  }),
  handler: z.string().regex(/^[^#]+(#[A-Za-z_$][\w$]*)?$/, 'a module path and an export, like "./handlers/greeter.ts#greet"'),
  agent: z.boolean().default(false),
  peers: z.array(listenerNameSchema).default([]),
  timeout: duration.default(30_000),
  concurrency: positive.default(8),
  retry: retrySchema.optional(),
});

/** organism.yaml as written. Paths are still relative; `load-config.ts` resolves and checks them. */
export const organismFileSchema = z.strictObject({
  name: z.string().trim().min(1),
  description: z.string().optional(),
  pump: z
    .strictObject({
      maxConcurrency: positive.default(64),
      queueSize: positive.default(10_000),
      maxDepth: positive.default(50),
      maxMessageBytes: byteSize.default(1_048_576),
    })
    .prefault({}),
  journal: z
    .strictObject({
      path: z.string().min(1).default('.organism/journal.sqlite'),
      durability: z.enum(['strict', 'fast']).default('fast'),
      retainDays: z.number().positive().default(7),
    })
    .prefault({}),
  server: z
    .strictObject({
      host: z.string().min(1).default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(7070),
    })
    .prefault({}),
  retry: retrySchema.optional(),
  listeners: z.array(listenerSchema),
});

export type OrganismFile = z.infer<typeof organismFileSchema>;
