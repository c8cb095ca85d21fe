'use client';
import { Search } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { useId, useState } from 'react';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A box that opens a thread by its id. */
export function FindThread() {
  const router = useRouter();
  const id = useId();
  const [q, setQ] = useState('');
  const [hint, setHint] = useState<string | null>(null);
  return (
    <form
      role="search"
      className="relative"
      onSubmit={(e) => {
        e.preventDefault();
        const v = q.trim().toLowerCase();
        if (UUID.test(v)) router.push(`/threads/${v}`);
        else setHint('A thread id has 36 characters, like 3f2a…-…; paste the whole id.');
      }}
    >
      <label htmlFor={id} className="sr-only">
        Find a thread by id
      </label>
      <Search className="absolute top-2 left-2 size-4 text-muted" aria-hidden />
      <input
        id={id}
        value={q}
        onChange={(e) => {
          setQ(e.target.value);
          setHint(null);
        }}
        placeholder="Find a thread by id"
        className="h-8 w-72 rounded-md border border-border bg-panel pr-2 pl-8 font-mono text-xs outline-none focus:border-accent"
        aria-describedby={hint ? `${id}-hint` : undefined}
      />
      {hint && (
        <p
          id={`${id}-hint`}
          role="status"
          className="absolute top-9 right-0 z-10 w-72 rounded-md border border-border bg-panel p-2 text-xs shadow"
        >
          {hint}
        </p>
      )}
    </form>
  );
}
