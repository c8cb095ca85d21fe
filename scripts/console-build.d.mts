import type { ChildProcess, spawn as spawnFn } from 'node:child_process';

export declare const root: string;
export declare const web: string;
export declare function consoleEnv(distDir?: string, engineUrl?: string): NodeJS.ProcessEnv;
export declare function buildConsoleIfStale(distDir?: string, log?: (line: string) => void): void;
export declare function startConsole(
  spawn: typeof spawnFn,
  engineUrl: string,
  port: number,
  distDir?: string,
  host?: string,
  stderr?: 'inherit' | 'pipe' | 'ignore',
): ChildProcess;
export declare function until(what: string, check: () => Promise<boolean>, ms?: number): Promise<void>;
