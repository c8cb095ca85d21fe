'use client';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { NuqsAdapter } from 'nuqs/adapters/next/app';
import type { ReactNode } from 'react';
import { useState } from 'react';
import { Toaster } from 'sonner';
import { engineCodeOf } from '@/lib/engine-error';
import { askWhoIsSignedIn } from '@/lib/session';
import { useDarkTheme } from '@/lib/use-dark-theme';
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
  // The console's theme is its own (the switch, kept per browser), not always the system's.
  const dark = useDarkTheme();
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <NuqsAdapter>{children}</NuqsAdapter>
        {/* Bottom right: clear of the tables' rows an action just changed. */}
        <Toaster position="bottom-right" closeButton theme={dark ? 'dark' : 'light'} />
      </TRPCProvider>
    </QueryClientProvider>
  );
}
