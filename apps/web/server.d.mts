import type { IncomingMessage } from 'node:http';

export declare function serverOptions(
  argv: readonly string[],
  env?: Readonly<Record<string, string | undefined>>,
): {
  port: number;
  hostname: string | undefined;
};
export declare function forwardedFor(req: Pick<IncomingMessage, 'headers' | 'socket'>): string | undefined;
export declare function pathProblem(url: string | undefined): string | undefined;
export declare function clientErrorAnswer(err: Error & { code?: string; reason?: string }): {
  status: string;
  text: string;
};
