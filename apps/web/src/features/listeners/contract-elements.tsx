'use client';
import { useQuery } from '@tanstack/react-query';
import { SkeletonRows } from '@/components/ui/skeleton';
import { describeError } from '@/lib/engine-error';
import { useTRPC } from '@/lib/trpc';
import { ElementTree } from './element-tree';

/** The query for a contract's element tree (the listener page asks for it early, with the listener list). */
export const elementsQuery = (trpc: ReturnType<typeof useTRPC>, name: string) =>
  trpc.listeners.elements.queryOptions({ name }, { staleTime: 60_000 });

/** The contract's elements as a tree, read from the same XSD model the example is generated from. */
export function ContractElements({ name }: { name: string }) {
  const trpc = useTRPC();
  const elements = useQuery(elementsQuery(trpc, name));
  if (elements.error) return <p className="text-sm text-failed">{describeError(elements.error)}</p>;
  if (!elements.data) return <SkeletonRows rows={8} />;
  return <ElementTree key={name} roots={elements.data.roots} label={`Elements of ${name}'s contract`} />;
}
