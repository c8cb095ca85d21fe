'use client';
import type { AppRouter } from '@organism/engine';
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';

/** The console's typed tRPC hooks. The browser talks to `/trpc`, which Next rewrites to the engine. */
export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

export function makeTrpcClient() {
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({ url: '/trpc' }),
        // Queries asked in the same tick go as one GET, their inputs in its URL. Node's HTTP servers (Next's
        // and the engine's) answer a URL over 16 KB with 431, so a big batch (200 small lists) is split.
        false: httpBatchLink({ url: '/trpc', maxURLLength: 4_000 }),
      }),
    ],
  });
}
