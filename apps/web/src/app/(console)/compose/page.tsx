import type { Metadata } from 'next';
import { Suspense } from 'react';
import { ComposePage } from '@/features/compose/compose-page';

export const metadata: Metadata = { title: 'Compose' };

export default function Compose() {
  return (
    <Suspense>
      <ComposePage />
    </Suspense>
  );
}
