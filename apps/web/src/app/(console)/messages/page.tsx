import type { Metadata } from 'next';
import { Suspense } from 'react';
import { MessagesPage } from '@/features/messages/messages-page';

export const metadata: Metadata = { title: 'Messages' };

export default function Messages() {
  return (
    <Suspense>
      <MessagesPage />
    </Suspense>
  );
}
