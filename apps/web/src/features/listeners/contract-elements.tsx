'use client';
import { useQuery } from '@tanstack/react-query';
import { SkeletonRows } from '@/components/ui/skeleton';
import { describeError } from '@/lib/engine-error';
import { useTRPC } from '@/lib/trpc';
import { ElementTree } from './element-tree';

/** The contract's elements as a tree, read from the same XSD model the example is generated from. */
export function ContractElements({ name }: { name: string }) {
  const trpc = useTRPC();
  const elements = useQuery(trpc.listeners.elements.queryOptions({ name }, { staleTime: 60_000 }));
  if (elements.error) return <p className="text-sm text-failed">{describeError(elements.error)}</p>;
  if (!elements.data) return <SkeletonRows rows={8} />;
  return <ElementTree key={name} roots={elements.data.roots} label={`Elements of ${name}'s contract`} />;
}
