import type { Metadata } from 'next';
import { MessagePage } from '@/features/messages/message-page';

export const metadata: Metadata = { title: 'Message' };

export default async function Message({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <MessagePage id={id} />;
}
