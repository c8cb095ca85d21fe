'use client';
import type { AppRouter } from '@organism/engine';
import { createTRPCClient, httpBatchLink, httpLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';

/** The console's typed tRPC hooks. The browser talks to `/trpc`, which Next rewrites to the engine. */
export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/**
 * Procedures that may take seconds (a payload search scans what its index cannot answer), asked in a
 * request of their own: a batch is answered when its slowest call is, and the top bar's status and the
 * dead letters' count asked in the same tick waited for the search, the engine's state a grey skeleton.
 */
const ASKED_ALONE = new Set(['messages.search']);

export function makeTrpcClient(options: { url?: string; fetch?: typeof fetch } = {}) {
  const url = options.url ?? '/trpc';
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({ url }),
        false: splitLink({
          condition: (op) => ASKED_ALONE.has(op.path),
          true: httpLink({ url, fetch: options.fetch }),
          // Queries asked in the same tick go as one GET, their inputs in its URL. Node's HTTP servers
          // (Next's and the engine's) answer a URL over 16 KB with 431, so a big batch (200 small lists)
          // is split.
          false: httpBatchLink({ url, maxURLLength: 4_000, fetch: options.fetch }),
        }),
      }),
    ],
  });
}
