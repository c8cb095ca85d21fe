'use client';
import { Search } from 'lucide-react';
import type { FormEvent } from 'react';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { SelectField, TextField } from '@/components/ui/form-field';

export interface SearchQuery {
  to: string | null;
  text: string | null;
  xpath: string | null;
}

/**
 * The listener, the text and the XPath, applied together on Enter or "Search" (not on every key: an XPath
 * half typed is not worth a request). Each box shows the engine's refusal of what it holds.
 */
export function SearchForm({
  value,
  listeners,
  errors,
  onSearch,
}: {
  value: SearchQuery;
  listeners: readonly string[] | undefined;
  errors: { text?: string | undefined; xpath?: string | undefined };
  onSearch: (q: SearchQuery) => void;
}) {
  const [to, setTo] = useState(value.to ?? '');
  const [text, setText] = useState(value.text ?? '');
  const [xpath, setXPath] = useState(value.xpath ?? '');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSearch({ to: to || null, text: text.trim() || null, xpath: xpath.trim() || null });
  };
  return (
    <form
      role="search"
      aria-label="Search payloads"
      onSubmit={submit}
      className="grid gap-3 rounded-lg border border-border bg-panel p-3 md:grid-cols-[12rem_minmax(0,1fr)_minmax(0,1.3fr)_auto] md:items-start"
    >
      <SelectField label="Listener" value={to} onChange={(e) => setTo(e.target.value)}>
        <option value="">Any listener</option>
        {/* The URL's listener stays selectable while the list loads, or if it is gone. */}
        {[...new Set([...(value.to ? [value.to] : []), ...(listeners ?? [])])].map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </SelectField>
      <TextField
        label="Text"
        value={text}
        onChange={(e) => setText(e.target.value)}
        placeholder='acme "main st" wid*'
        hint="Every word, in any case; quotes for a phrase, * for a prefix"
        error={errors.text}
      />
      <TextField
        label="XPath"
        value={xpath}
        onChange={(e) => setXPath(e.target.value)}
        placeholder="/order[line/quantity > 10]"
        className="font-mono"
        spellCheck={false}
        hint="XPath 1.0 over each payload, by local names (no prefixes)"
        error={errors.xpath}
      />
      <div className="md:pt-6">
        <Button type="submit" variant="primary" className="h-9">
          <Search className="size-4" aria-hidden /> Search
        </Button>
      </div>
    </form>
  );
}
