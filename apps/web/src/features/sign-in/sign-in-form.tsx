'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { CircleDot } from 'lucide-react';
import { useRouter, useSearchParams } from 'next/navigation';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { describeError, engineCodeOf } from '@/lib/engine-error';
import { nextPath } from '@/lib/next-path';
import { useTRPC } from '@/lib/trpc';

const FIELD =
  'h-9 w-full rounded-md border border-border bg-panel px-3 text-sm outline-none focus:border-accent';

/** Name and password; on success the session cookie is set by the engine and we go where we were headed. */
export function SignInForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const next = useSearchParams().get('next');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const login = useMutation(
    trpc.auth.login.mutationOptions({
      onSuccess: ({ user }) => {
        queryClient.removeQueries();
        queryClient.setQueryData(trpc.auth.me.queryKey(), { user });
        router.replace(nextPath(next, window.location.origin));
      },
    }),
  );
  const code = login.error ? engineCodeOf(login.error) : undefined;
  return (
    <form
      className="w-full max-w-sm rounded-lg border border-border bg-panel p-6 shadow-sm"
      onSubmit={(e) => {
        e.preventDefault();
        login.mutate({ name, password });
      }}
    >
      <div className="mb-6 flex items-center gap-2">
        <CircleDot className="size-5 text-accent" aria-hidden />
        <h1 className="text-lg font-semibold">Organism console</h1>
      </div>
      <label className="mb-1 block text-sm font-medium" htmlFor="name">
        Name
      </label>
      <input
        id="name"
        className={FIELD}
        autoComplete="username"
        autoFocus
        value={name}
        onChange={(e) => setName(e.target.value)}
        required
      />
      <label className="mt-4 mb-1 block text-sm font-medium" htmlFor="password">
        Password
      </label>
      <input
        id="password"
        type="password"
        className={FIELD}
        autoComplete="current-password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        required
      />
      {login.error && (
        <p
          role="alert"
          className="mt-4 rounded-md border border-failed/40 bg-failed/10 p-2 text-sm text-failed"
        >
          {code === 'UNAUTHORIZED' ? 'Wrong name or password.' : describeError(login.error)}
        </p>
      )}
      <Button
        type="submit"
        variant="primary"
        className="mt-6 w-full justify-center"
        disabled={login.isPending}
      >
        {login.isPending ? 'Signing in…' : 'Sign in'}
      </Button>
      <p className="mt-4 text-xs text-muted">
        The engine printed the first admin&apos;s name and password when it started.
      </p>
    </form>
  );
}
