/** Types of scripts/postgres.mjs, for the TypeScript that imports it (the engine's test setup). */
export declare const PG_USER: string;
export declare function postgresBin(): string;
export declare function freePort(): Promise<number>;
export declare function startPostgres(opts: {
  dir: string;
  port?: number;
  durable?: boolean;
}): Promise<{ url: string; port: number; stop(): void }>;
export declare function stopPostgres(dir: string): void;
export declare function removePostgres(dir: string): void;
