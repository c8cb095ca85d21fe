'use client';
import type { Role } from '@organism/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { QueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { engineCodeOf } from './engine-error';
import { useTRPC } from './trpc';

const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

/** The signed-in user (null when signed out), and whether their role reaches `role`. */
export function useSession() {
  const trpc = useTRPC();
  const me = useQuery(
    trpc.auth.me.queryOptions(undefined, {
      staleTime: 60_000,
      // Not reached (no answer at all, or not in time): asked again every few seconds, so a page opened
      // while the engine was away comes up by itself once it answers.
      refetchInterval: (query) => (query.state.status === 'error' ? 3_000 : false),
    }),
  );
  const user = me.data?.user ?? null;
  return {
    user,
    // A refetch in flight may still hold an old answer: never decide "signed out" on it.
    loading: me.isPending || me.isFetching,
    error: me.error,
    /** The server refuses what the role does not allow; the console does not offer it either. */
    can: (role: Role) => !!user && RANK[user.role] >= RANK[role],
  };
}

/** Signs out: the session ends on the engine, this tab forgets what it read and goes to sign-in. */
export function useSignOut(): () => void {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const logout = useMutation(
    trpc.auth.logout.mutationOptions({
      onSettled: () => {
        queryClient.clear();
        router.replace('/sign-in');
      },
    }),
  );
  return () => logout.mutate();
}

/** `auth.me`'s query key, as tRPC's TanStack integration makes it (its path first). */
export const AUTH_ME_KEY = [['auth', 'me']];

/**
 * The session ended under the page (signed out in another tab, removed by an admin, expired): any call
 * refused as UNAUTHORIZED asks `auth.me` again, and once it says nobody is signed in the frame sends the
 * tab to sign-in, back here after (console-frame.tsx). A refusal that was not the session's leaves the user
 * where they are.
 */
export function askWhoIsSignedIn(queryClient: QueryClient, err: unknown): void {
  if (engineCodeOf(err) !== 'UNAUTHORIZED') return;
  void queryClient.invalidateQueries({ queryKey: AUTH_ME_KEY }, { cancelRefetch: false });
}
