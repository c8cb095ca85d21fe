'use client';
import Link from 'next/link';
import { Panel } from '@/components/ui/panel';
import { Skeleton } from '@/components/ui/skeleton';
import { ROLE_DOES } from '@/features/users/roles';
import { useSession } from '@/lib/session';
import { ChangePasswordForm } from './change-password-form';

/** Who am I signed in as, what may I do, and my password: for every role. */
export function AccountPage() {
  const { user, can } = useSession();
  return (
    <div className="max-w-5xl space-y-4">
      <header>
        <h1 className="text-xl font-semibold">Your account</h1>
        <p className="mt-1 text-sm text-muted">
          Signed in to this engine&apos;s console. Sessions last 12 hours.
        </p>
      </header>
      <div className="grid items-start gap-4 lg:grid-cols-2">
        <Panel title="Who you are">
          {user ? (
            <dl className="grid grid-cols-[6rem_1fr] gap-y-2 text-sm">
              <dt className="text-muted">Name</dt>
              <dd className="font-medium">{user.name}</dd>
              <dt className="text-muted">Role</dt>
              <dd>
                <span className="font-medium">{user.role}</span>
                <span className="block text-muted">{ROLE_DOES[user.role]}</span>
              </dd>
            </dl>
          ) : (
            <Skeleton className="h-12 w-full" />
          )}
          <p className="mt-4 text-sm text-muted">
            {can('admin') ? (
              <>
                Producers&apos; API tokens are on{' '}
                <Link href="/tokens" className="text-accent underline">
                  API tokens
                </Link>
                ; what everyone did is in the{' '}
                <Link href="/audit" className="text-accent underline">
                  audit log
                </Link>
                .
              </>
            ) : (
              'Your role is set by an admin. Producers’ API tokens are created by admins too.'
            )}
          </p>
        </Panel>
        <Panel title="Change your password">
          <p className="mb-4 text-sm text-muted">
            Your other sessions (another browser, another machine) are signed out; this one stays.
          </p>
          <ChangePasswordForm />
        </Panel>
      </div>
    </div>
  );
}
