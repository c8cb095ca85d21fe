import type { Metadata } from 'next';
import { Suspense } from 'react';
import { ExtensionsPage } from '@/features/extensions/extensions-page';

export const metadata: Metadata = { title: 'Extensions' };

export default function Extensions() {
  return (
    <Suspense>
      <ExtensionsPage />
    </Suspense>
  );
}
