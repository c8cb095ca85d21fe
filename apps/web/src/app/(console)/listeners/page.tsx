import type { Metadata } from 'next';
import { Suspense } from 'react';
import { ListenersPage } from '@/features/listeners/listeners-page';

export const metadata: Metadata = { title: 'Listeners' };

export default function Listeners() {
  return (
    <Suspense>
      <ListenersPage />
    </Suspense>
  );
}
