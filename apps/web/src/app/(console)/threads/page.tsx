import type { Metadata } from 'next';
import { Suspense } from 'react';
import { ThreadsPage } from '@/features/threads/threads-page';

export const metadata: Metadata = { title: 'Threads' };

export default function Threads() {
  return (
    <Suspense>
      <ThreadsPage />
    </Suspense>
  );
}
