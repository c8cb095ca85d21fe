import type { Metadata } from 'next';
import { Suspense } from 'react';
import { DeadLettersPage } from '@/features/dead-letters/dead-letters-page';

export const metadata: Metadata = { title: 'Dead letters' };

export default function DeadLetters() {
  return (
    <Suspense>
      <DeadLettersPage />
    </Suspense>
  );
}
