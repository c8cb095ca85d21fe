import type { Metadata } from 'next';
import { Suspense } from 'react';
import { ThreadPage } from '@/features/threads/thread-page';

export const metadata: Metadata = { title: 'Thread' };

export default async function Thread({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <Suspense>
      <ThreadPage id={id} />
    </Suspense>
  );
}
