import type { Metadata } from 'next';
import { MessagePage } from '@/features/messages/message-page';
import { titleId } from '@/lib/format';

/** The short id in the tab's title, so an operator with several open tells them apart. */
export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const { id } = await params;
  return { title: `Message ${titleId(decodeURIComponent(id))}` };
}

export default async function Message({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <MessagePage id={id} />;
}
