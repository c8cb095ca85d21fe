import type { Metadata } from 'next';
import { ListenerPage } from '@/features/listeners/listener-page';

export async function generateMetadata({ params }: { params: Promise<{ name: string }> }): Promise<Metadata> {
  const { name } = await params;
  return { title: decodeURIComponent(name) };
}

export default async function Listener({ params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  return <ListenerPage name={decodeURIComponent(name)} />;
}
