import type { Metadata } from 'next';
import { Suspense } from 'react';
import { DeadLetterGroupPage } from '@/features/dead-letters/group-page';

export const metadata: Metadata = { title: 'Dead letters' };

export default function DeadLetterGroup() {
  return (
    <Suspense>
      <DeadLetterGroupPage />
    </Suspense>
  );
}
