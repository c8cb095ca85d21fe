'use client';
import { useQuery } from '@tanstack/react-query';
import { TriangleAlert } from 'lucide-react';
import { useState } from 'react';
import { CopyButton } from '@/components/copy-button';
import { Skeleton } from '@/components/ui/skeleton';
import { describeError } from '@/lib/engine-error';
import { useTRPC } from '@/lib/trpc';
import { curlExample, envelope } from './curl-example';

export interface CreatedToken {
  id: string;
  name: string;
  token: string;
  ingressUrl: string;
  producers: string[] | null;
}

/**
 * A new token, shown this once (the engine keeps only its hash), with a curl command that sends a valid
 * message with it to a listener of the organism, built from that listener's own example payload.
 */
export function TokenOnce({ created, onCopied }: { created: CreatedToken; onCopied: () => void }) {
  const trpc = useTRPC();
  const listeners = useQuery(trpc.listeners.list.queryOptions(undefined, { staleTime: 60_000 }));
  const all = (listeners.data ?? []).map((l) => l.name);
  const names = (listeners.data ?? []).filter((l) => !l.system).map((l) => l.name);
  const [picked, setPicked] = useState<string | null>(null);
  const to = picked ?? names[0];
  const example = useQuery({
    ...trpc.listeners.example.queryOptions({ name: to ?? '' }),
    enabled: to !== undefined,
    staleTime: 60_000,
  });
  // An outside producer may not use a listener's name (SENDER_RESERVED): the token's own name is a
  // fine `from` unless it is one.
  const reserved = all.includes(created.name) || /^system(\.|$)/.test(created.name);
  const from = created.producers?.[0] ?? (reserved ? 'my-producer' : created.name);
  const curl = example.data
    ? curlExample(created.ingressUrl, created.token, envelope(from, to ?? '', example.data.xml))
    : null;
  return (
    // Copied by hand too (a selection and Ctrl-C): either way the token left the page.
    <div className="space-y-4" onCopy={onCopied}>
      <p className="flex items-start gap-2 rounded-md border border-rejected/40 bg-rejected/10 p-3 text-sm">
        <TriangleAlert className="mt-0.5 size-4 shrink-0 text-rejected" aria-hidden />
        <span>
          Copy the token now: it is shown only this once. The engine keeps only its hash, so a lost token
          cannot be shown again; revoke it and create another.
        </span>
      </p>
      <div className="space-y-1">
        <p id="new-token-label" className="text-sm font-medium">
          Token for {created.name}
        </p>
        <div className="flex items-center gap-2">
          <code
            aria-labelledby="new-token-label"
            data-testid="new-token"
            className="min-w-0 flex-1 truncate rounded-md border border-border bg-panel-2 px-3 py-2 font-mono text-xs select-all"
          >
            {created.token}
          </code>
          <CopyButton text={created.token} label="Copy" what="token" onCopied={onCopied} />
        </div>
      </div>
      <div className="space-y-2">
        <div className="flex flex-wrap items-center gap-2">
          <p className="text-sm font-medium">Send a message with it</p>
          {names.length > 1 && (
            <label className="flex items-center gap-2 text-sm text-muted">
              to
              <select
                value={to ?? ''}
                onChange={(e) => setPicked(e.target.value)}
                className="h-8 rounded-md border border-border bg-panel px-2 text-sm text-text outline-none focus:border-accent"
              >
                {names.map((n) => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ))}
              </select>
            </label>
          )}
        </div>
        {example.error ? (
          <p className="text-sm text-failed">{describeError(example.error)}</p>
        ) : curl === null ? (
          <Skeleton className="h-24 w-full" />
        ) : (
          <>
            <pre
              aria-label="curl example"
              tabIndex={0}
              className="max-h-56 overflow-auto rounded-md border border-border bg-panel-2 p-3 font-mono text-xs whitespace-pre-wrap break-all"
            >
              {curl}
            </pre>
            <div className="flex items-center justify-between gap-3">
              <p className="text-xs text-muted">
                Sent as <span className="font-mono">{from}</span>, with {to}&apos;s example payload. The
                engine answers 202 with the message and thread ids.
              </p>
              <CopyButton
                text={curl}
                label="Copy curl"
                what="curl example"
                className="shrink-0"
                onCopied={onCopied}
              />
            </div>
          </>
        )}
      </div>
    </div>
  );
}
