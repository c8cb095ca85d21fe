import type { Metadata } from 'next';
import { Suspense } from 'react';
import { SignInForm } from '@/features/sign-in/sign-in-form';

export const metadata: Metadata = { title: 'Sign in' };

export default function SignInPage() {
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <Suspense>
        <SignInForm />
      </Suspense>
    </main>
  );
}
