import type { Metadata } from 'next';
import { Suspense } from 'react';
import { ThreadPage } from '@/features/threads/thread-page';
import { titleId } from '@/lib/format';

/** The short id in the tab's title, so an operator with several open tells them apart. */
export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const { id } = await params;
  return { title: `Thread ${titleId(decodeURIComponent(id))}` };
}

export default async function Thread({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <Suspense>
      <ThreadPage id={id} />
    </Suspense>
  );
}
