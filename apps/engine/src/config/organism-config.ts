/** The loaded organism.yaml: defaults filled in, paths absolute. What the rest of the engine reads. */

export interface PumpLimits {
  maxConcurrency: number;
  queueSize: number;
  maxDepth: number;
  maxMessageBytes: number;
}

export interface RetryPolicy {
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export interface ListenerConfig {
  name: string;
  description: string;
  payload: { schema: string; root?: string };
  handler: { module: string; exportName: string; ref: string };
  agent: boolean;
  peers: string[];
  timeoutMs: number;
  concurrency: number;
  retry: RetryPolicy;
}

export interface JournalSettings {
  /** Absolute path, or `:memory:`. */
  path: string;
  durability: 'strict' | 'fast';
  retainDays: number;
}

export interface ServerSettings {
  host: string;
  port: number;
}

export interface OrganismConfig {
  name: string;
  description?: string;
  file: string;
  baseDir: string;
  pump: PumpLimits;
  journal: JournalSettings;
  server: ServerSettings;
  retry: RetryPolicy;
  listeners: ListenerConfig[];
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 3, initialDelayMs: 100, maxDelayMs: 10_000 };
