/** The loaded organism.yaml: defaults filled in, paths absolute. What the rest of the engine reads. */

export interface PumpLimits {
  maxConcurrency: number;
  queueSize: number;
  maxDepth: number;
  /** Deliveries one thread may make in all, whatever its chain looks like (stops loops). */
  maxHopsPerThread: number;
  maxMessageBytes: number;
  /** Worker threads that parse and validate messages (outside and handlers' outputs); default 0: none. */
  intakeWorkers: number;
}

export interface RetryPolicy {
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export interface ListenerConfig {
  name: string;
  description: string;
  /** `schema` is absolute; `root` is as written: a local name or Clark `{ns}local`. */
  payload: { schema: string; root?: string };
  /** `module` is absolute; `ref` is the `handler` value as written, e.g. `./handlers/greeter.ts#greet`. */
  handler: { module: string; exportName: string; ref: string };
  /**
   * XPath 1.0 over the payload (namespaces removed): a message whose root is one of this listener's
   * request roots reaches it only when the expression is true of its payload. Compiled at load.
   */
  filter?: string;
  /** The file that declares it, relative to the organism folder: organism.yaml or a file it includes. */
  definedIn: string;
  agent: boolean;
  peers: string[];
  timeoutMs: number;
  concurrency: number;
  /** `worker`: the handler runs in a pool of worker threads, each terminated when a run passes its timeout. */
  isolate: 'none' | 'worker';
  /** The listener's own `retry`, over the organism's, over the defaults. */
  retry: RetryPolicy;
}

export interface JournalSettings {
  /** `sqlite`: the file at `path`; `postgres`: the database at `url` (docs/scale-out.md). */
  driver: 'sqlite' | 'postgres';
  /** Absolute path, or `:memory:` (SQLite). */
  path: string;
  /** The PostgreSQL URL, any `${ENV_VAR}` read (postgres only). */
  url?: string;
  /** The PostgreSQL schema of the journal's tables (postgres only). Default `public`. */
  schema?: string;
  durability: 'strict' | 'fast';
  retainDays: number;
  /** Whether a busy SQLite journal commits on a writer thread of its own. */
  writerThread: boolean;
}

export interface ServerSettings {
  host: string;
  port: number;
  /** Largest request body the HTTP server reads on `/trpc` (413 before reading more). */
  maxBodyBytes: number;
  /**
   * Peers beside loopback whose `X-Forwarded-For` is believed (addresses or CIDR ranges): a console or
   * reverse proxy on another machine, so that sign-in limits count each browser behind it.
   */
  trustedProxies: string[];
}

export interface OrganismConfig {
  name: string;
  description?: string;
  /** Absolute path of the YAML file. */
  file: string;
  /** Its directory: relative paths in the file resolve against it. */
  baseDir: string;
  pump: PumpLimits;
  journal: JournalSettings;
  server: ServerSettings;
  retry: RetryPolicy;
  /** The files organism.yaml includes, absolute, in order (their listeners and extensions are merged in). */
  includes: string[];
  /** Extension modules listed in organism.yaml, absolute (the `extensions/` folder's are found at load). */
  extensions: string[];
  listeners: ListenerConfig[];
}

export const DEFAULT_RETRY: Readonly<RetryPolicy> = {
  maxAttempts: 3,
  initialDelayMs: 100,
  maxDelayMs: 10_000,
};

/** Relative to the YAML's directory. */
export const DEFAULT_JOURNAL_PATH = '.organism/journal.sqlite';
