'use client';
import { useQueries } from '@tanstack/react-query';
import { Skeleton } from '@/components/ui/skeleton';
import { Tabs } from '@/components/ui/tabs';
import { XmlView } from '@/components/xml-view';
import { describeError } from '@/lib/engine-error';
import { splitRoot } from '@/lib/qname';
import { useTRPC } from '@/lib/trpc';

/** A generated instance of every root the listener accepts: what a valid payload looks like. */
export function ExampleInstances({ name, roots }: { name: string; roots: string[] }) {
  const trpc = useTRPC();
  const examples = useQueries({
    queries: roots.map((root) => trpc.listeners.example.queryOptions({ name, root }, { staleTime: 60_000 })),
  });
  const first = roots[0];
  if (!first) return <p className="text-sm text-muted">This listener declares no payload root.</p>;
  const body = (i: number) => {
    const q = examples[i];
    if (q?.error) return <p className="text-sm text-failed">{describeError(q.error)}</p>;
    if (!q?.data) return <Skeleton className="h-40 w-full" />;
    return <XmlView text={q.data.xml} label={`example <${splitRoot(q.data.root).local}>`} maxHeight={360} />;
  };
  if (roots.length === 1) return body(0);
  return (
    <Tabs.Root defaultValue={first}>
      <Tabs.List aria-label="Payload roots" className="mb-2">
        {roots.map((r) => (
          <Tabs.Trigger key={r} value={r} title={r} className="font-mono">
            &lt;{splitRoot(r).local}&gt;
          </Tabs.Trigger>
        ))}
      </Tabs.List>
      {roots.map((r, i) => (
        <Tabs.Content key={r} value={r}>
          {body(i)}
        </Tabs.Content>
      ))}
    </Tabs.Root>
  );
}
