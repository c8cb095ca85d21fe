'use client';
import { useEffect, useState } from 'react';
import { formatAgo, formatExact } from '@/lib/format';

/** A relative time that keeps itself current, with the exact local time (ms) on hover. */
export function TimeAgo({ at }: { at: number }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 5_000);
    return () => clearInterval(t);
  }, []);
  return (
    <time dateTime={new Date(at).toISOString()} title={formatExact(at)} className="tabular whitespace-nowrap">
      {formatAgo(at, now)}
    </time>
  );
}
