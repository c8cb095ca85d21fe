import { isIP } from 'node:net';
import { z } from 'zod';
import { isSystemName, listenerNameSchema } from '@organism/shared';
import { isAddressRange } from '../net/address-range.ts';
import { parseByteSize } from './byte-size.ts';
import { parseDuration } from './duration.ts';
import { DEFAULT_JOURNAL_PATH } from './organism-config.ts';
import { parseHandlerRef } from './handler-ref.ts';

// Messages here are what a person editing organism.yaml reads next to the line: say what is wanted.

/** A duration in ms: a number, or a string such as "500ms", "5s", "2m". `min` is the least allowed. */
function duration(min: number) {
  const wanted = 'a duration: milliseconds, or a string like "500ms", "5s", "2m"';
  return z.union([z.number(), z.string()], { error: `expected ${wanted}` }).transform((v, ctx) => {
    const ms = parseDuration(v);
    if (ms === undefined)
      ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)} is not ${wanted}`, input: v });
    else if (ms < min) ctx.addIssue({ code: 'custom', message: `must be at least ${min}ms`, input: v });
    return ms ?? 0;
  });
}

const byteSize = z
  .union([z.number(), z.string()], {
    error: 'expected a size: bytes, or a string like "512KiB", "1MiB", "2MB"',
  })
  .transform((v, ctx) => {
    const n = parseByteSize(v);
    if (n === undefined || n < 1) {
      ctx.addIssue({
        code: 'custom',
        message:
          n === undefined
            ? `${JSON.stringify(v)} is not a size: use bytes, or "512KiB", "1MiB", "2MB"`
            : `${JSON.stringify(v)} is too small: a size is at least 1 byte`,
        input: v,
      });
    }
    return n ?? 0;
  });

/** An IP address, or a CIDR range of them (`10.0.0.0/8`, `fd00::/8`). */
const addressRange = z
  .string()
  .trim()
  .refine(isAddressRange, {
    error: (issue) =>
      `${JSON.stringify(issue.input)} is not an IP address or a CIDR range (for example 10.0.0.5 or 10.0.0.0/8)`,
  });

const atLeastOne = z.int().min(1, 'must be at least 1');

/**
 * A PostgreSQL URL, or `${NAME}`: the value of environment variable NAME when the config is read, so a
 * password need not be written in organism.yaml (nor shown in the console's config editor).
 */
const databaseUrl = z
  .string({ error: 'expected a URL such as postgres://user:password@host:5432/database, or ${ENV_VAR}' })
  .trim()
  .transform((v, ctx) => {
    const env = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(v);
    const url = env ? process.env[env[1]!] : v;
    if (url === undefined || url === '') {
      ctx.addIssue({
        code: 'custom',
        message: `environment variable ${env?.[1] ?? ''} is not set`,
        input: v,
      });
      return '';
    }
    if (!/^postgres(ql)?:\/\//.test(url)) {
      ctx.addIssue({
        code: 'custom',
        message: `expected a postgres:// URL${env ? ` in ${env[1]}` : ''}, such as postgres://user:password@host:5432/database`,
        input: v,
      });
    }
    return url;
  });

const listenerName = z.string().refine((n) => listenerNameSchema.safeParse(n).success, {
  error: (issue) =>
    `${JSON.stringify(issue.input)} is not a listener name: letters, digits, _ and -, in dot-separated parts (e.g. tools.calculator)`,
});

const NC_NAME = /^[\p{L}_][\p{L}\p{N}_.\-\u00B7]*$/u;

/** Why `root` is not a local element name or Clark `{namespace}local`; undefined when it is one. */
function payloadRootProblem(root: string): string | undefined {
  const hint = 'write a local name like "order", or "{namespace-uri}order"';
  const clark = /^\{([^{}]*)\}(.*)$/.exec(root);
  if (clark) {
    if (!clark[1]) return `empty namespace in ${JSON.stringify(root)}: ${hint}`;
    if (/\s/.test(clark[1])) return `namespace in ${JSON.stringify(root)} contains whitespace`;
    return NC_NAME.test(clark[2] ?? '')
      ? undefined
      : `${JSON.stringify(clark[2])} is not an element name: ${hint}`;
  }
  if (root.includes(':')) return `prefixes mean nothing here (${JSON.stringify(root)}): ${hint}`;
  return NC_NAME.test(root) ? undefined : `${JSON.stringify(root)} is not an element name: ${hint}`;
}

export const retrySchema = z.strictObject({
  maxAttempts: atLeastOne.optional(),
  initialDelayMs: duration(0).optional(),
  maxDelayMs: duration(0).optional(),
});

export const listenerSchema = z.strictObject({
  name: listenerName.refine((n) => !isSystemName(n), {
    error: (i) =>
      `${JSON.stringify(i.input)} is reserved for the engine: a listener may not be named system or system.*`,
  }),
  description: z.string().trim().min(1, 'say what the listener does'),
  payload: z.strictObject({
    schema: z.string().trim().min(1, 'expected the path of an XSD file'),
    root: z
      .string()
      .superRefine((root, ctx) => {
        const message = payloadRootProblem(root);
        if (message) ctx.addIssue({ code: 'custom', message, input: root });
      })
      .optional(),
  }),
  handler: z.string().refine((ref) => parseHandlerRef(ref) !== undefined, {
    error: (issue) =>
      `${JSON.stringify(issue.input)} is not a handler reference: write a module path and an export, like "./handlers/greeter.ts#greet"`,
  }),
  filter: z
    .string()
    .trim()
    .min(1, 'expected an XPath expression over the payload, like /order[total > 100]')
    .optional(),
  agent: z.boolean().default(false),
  peers: z.array(listenerName).default([]),
  timeout: duration(1).default(30_000),
  concurrency: atLeastOne.default(8),
  retry: retrySchema.optional(),
  /** `worker`: the handler runs in a worker thread of its own, terminated at its timeout (docs/config-reference.md). */
  isolate: z.enum(['none', 'worker'], { error: 'expected "none" or "worker"' }).default('none'),
});

/** organism.yaml as written. Paths are still relative and retry unmerged; `resolve-config.ts` finishes them. */
export const organismFileSchema = z.strictObject({
  name: z.string().trim().min(1, 'name the organism'),
  description: z.string().optional(),
  pump: z
    .strictObject({
      maxConcurrency: atLeastOne.default(64),
      queueSize: atLeastOne.default(10_000),
      maxDepth: atLeastOne.default(50),
      maxHopsPerThread: atLeastOne.default(1_000),
      maxMessageBytes: byteSize.default(1_048_576),
      // Threads that parse and validate messages beside the main one: none unless asked (bench/NOTES.md).
      intakeWorkers: z
        .number({ error: 'expected a whole number of worker threads, 0 or more' })
        .int('expected a whole number of worker threads, 0 or more')
        .min(0, 'expected a whole number of worker threads, 0 or more')
        .default(0),
    })
    .prefault({}),
  journal: z
    .strictObject({
      // sqlite: a file beside the organism (the default); postgres: a database several engines share.
      driver: z.enum(['sqlite', 'postgres'], { error: 'expected "sqlite" or "postgres"' }).default('sqlite'),
      path: z.string().trim().min(1, 'expected a file path, or ":memory:"').default(DEFAULT_JOURNAL_PATH),
      url: databaseUrl.optional(),
      schema: z
        .string()
        .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'expected a plain schema name: lower-case letters, digits and _')
        .optional(),
      durability: z.enum(['strict', 'fast'], { error: 'expected "strict" or "fast"' }).default('fast'),
      retainDays: z.number().positive('must be more than 0').default(7),
      // Commits on a thread of its own once the journal is busy (docs/journal.md, "The writer thread").
      writerThread: z.boolean().default(true),
      // postgres: how often each engine beats and looks at its peers, how long one may go without a
      // beat before it is taken for dead, and how long after its own session was lost it adopts only
      // peers that stopped gracefully (docs/scale-out.md, "The engines").
      heartbeat: duration(50).optional(),
      lease: duration(1_000).optional(),
      reconnectGrace: duration(0).optional(),
    })
    .superRefine((j, ctx) => {
      for (const key of ['schema', 'heartbeat', 'lease', 'reconnectGrace'] as const)
        if (j.driver !== 'postgres' && j[key] !== undefined)
          ctx.addIssue({ code: 'custom', path: [key], message: `${key} is for driver: postgres` });
      const beat = j.heartbeat ?? 500;
      if ((j.lease ?? 15_000) < 4 * beat)
        ctx.addIssue({
          code: 'custom',
          path: [j.lease === undefined ? 'heartbeat' : 'lease'],
          message: `the lease (${j.lease ?? 15_000}ms) must be at least 4 heartbeats (${4 * beat}ms), or live engines would be taken for dead`,
        });
      if (j.driver === 'postgres' && j.url === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['driver'],
          message: 'a postgres journal needs url: postgres://user:password@host:5432/database, or ${ENV_VAR}',
        });
      }
      if (j.driver === 'sqlite' && j.url !== undefined)
        ctx.addIssue({ code: 'custom', path: ['url'], message: 'url is for driver: postgres' });
    })
    .prefault({}),
  server: z
    .strictObject({
      host: z
        .string()
        .trim()
        .min(1, 'expected a host name or address')
        // A port written into the host (`localhost:7070`) would only fail as a name no one resolves.
        .refine((h) => !h.includes(':') || isIP(h) === 6, {
          error: (i) =>
            `${JSON.stringify(i.input)} is not a host name or address: give the port as server.port, and an IPv6 address without brackets (::1)`,
        })
        .default('127.0.0.1'),
      port: z.int().min(0, 'a port is at least 0').max(65_535, 'a port is at most 65535').default(7070),
      maxBodyBytes: byteSize.default(4_194_304),
      trustedProxies: z.array(addressRange).default([]),
    })
    .prefault({}),
  retry: retrySchema.optional(),
  /** YAML files (inside the organism folder) that contribute listeners and extensions (config-reference.md). */
  include: z.array(z.string().trim().min(1, 'expected the path of a YAML file')).default([]),
  /** Extension modules beyond those in the `extensions/` folder (docs/extensions.md). */
  extensions: z.array(z.string().trim().min(1, 'expected the path of an extension module')).default([]),
  listeners: z.array(listenerSchema),
});

export type OrganismFile = z.infer<typeof organismFileSchema>;
export type RetryFile = z.infer<typeof retrySchema>;
export type ListenerFile = z.infer<typeof listenerSchema>;
