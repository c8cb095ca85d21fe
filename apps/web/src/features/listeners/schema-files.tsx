'use client';
import { useQuery } from '@tanstack/react-query';
import { Skeleton } from '@/components/ui/skeleton';
import { Tabs } from '@/components/ui/tabs';
import { XmlView } from '@/components/xml-view';
import { describeError } from '@/lib/engine-error';
import { useTRPC } from '@/lib/trpc';

/** A file's name as a tab shows it: the path in the organism, or the bare name for the engine's own XSD. */
function tabLabel(file: string): string {
  return file.startsWith('..') || file.startsWith('/') ? (file.split('/').at(-1) ?? file) : file;
}

/** The query for a listener's XSD files (the listener page asks for it early, with the listener list). */
export const schemaQuery = (trpc: ReturnType<typeof useTRPC>, name: string) =>
  trpc.listeners.schema.queryOptions({ name }, { staleTime: 60_000 });

/** The XSD files behind a contract (main file first, then what it includes and imports), as written. */
export function SchemaFiles({ name }: { name: string }) {
  const trpc = useTRPC();
  const schema = useQuery(schemaQuery(trpc, name));
  if (schema.error) return <p className="text-sm text-failed">{describeError(schema.error)}</p>;
  const files = schema.data?.files;
  if (!files) return <Skeleton className="h-96 w-full" />;
  const first = files[0];
  if (!first) return <p className="text-sm text-muted">No schema file.</p>;
  return (
    <Tabs.Root defaultValue={first.file}>
      <Tabs.List aria-label="XSD files" className="mb-2">
        {files.map((f) => (
          <Tabs.Trigger key={f.file} value={f.file} title={f.file}>
            {tabLabel(f.file)}
          </Tabs.Trigger>
        ))}
      </Tabs.List>
      {files.map((f) => (
        <Tabs.Content key={f.file} value={f.file}>
          {/* The file's last line break draws no empty line of its own under the schema's last. */}
          <XmlView
            text={f.text.replace(/\r?\n$/, '')}
            label={`${tabLabel(f.file)} (XSD)`}
            asWritten
            maxHeight={560}
          />
        </Tabs.Content>
      ))}
    </Tabs.Root>
  );
}
