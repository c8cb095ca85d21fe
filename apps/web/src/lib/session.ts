'use client';
import type { Role } from '@organism/shared';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from './trpc';

const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

/** The signed-in user (null when signed out), and whether their role reaches `role`. */
export function useSession() {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions(undefined, { staleTime: 60_000 }));
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
