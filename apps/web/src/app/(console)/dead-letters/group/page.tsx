import type { Metadata } from 'next';
import { Suspense } from 'react';
import { DeadLetterGroupPage } from '@/features/dead-letters/group-page';

/** The group in the tab's title ("tools.calculator · HANDLER_ERROR"), so several open tell themselves apart. */
export async function generateMetadata({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}): Promise<Metadata> {
  const q = await searchParams;
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const to = q.rejected === 'true' ? 'no listener' : one(q.to);
  const code = one(q.errorCode);
  const group = [to, code].filter(Boolean).join(' · ');
  return { title: group ? `Dead letters: ${group}` : 'Dead letters' };
}

export default function DeadLetterGroup() {
  return (
    <Suspense>
      <DeadLetterGroupPage />
    </Suspense>
  );
}
