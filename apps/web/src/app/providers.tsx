'use client';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { NuqsAdapter } from 'nuqs/adapters/next/app';
import type { ReactNode } from 'react';
import { useState } from 'react';
import { Toaster } from 'sonner';
import { engineCodeOf } from '@/lib/engine-error';
import { askWhoIsSignedIn } from '@/lib/session';
import { TRPCProvider, makeTrpcClient } from '@/lib/trpc';

/** One query client and one tRPC client per browser tab; refused calls are never retried. */
export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(() => {
    const client: QueryClient = new QueryClient({
      queryCache: new QueryCache({ onError: (err) => askWhoIsSignedIn(client, err) }),
      mutationCache: new MutationCache({ onError: (err) => askWhoIsSignedIn(client, err) }),
      defaultOptions: {
        queries: {
          staleTime: 2_000,
          // An answer from the engine (any engine code) is final; only an unreachable engine is retried.
          retry: (failures, err) => !engineCodeOf(err) && failures < 3,
        },
      },
    });
    return client;
  });
  const [trpcClient] = useState(makeTrpcClient);
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <NuqsAdapter>{children}</NuqsAdapter>
        {/* Bottom centre: rows keep their actions at the right, where a toast would cover the next one. */}
        {/* Bottom right: clear of the tables' rows an action just changed. */}
        <Toaster position="bottom-right" closeButton />
      </TRPCProvider>
    </QueryClientProvider>
  );
}
