'use client';
import { TriangleAlert } from 'lucide-react';

import { useEngineStreamOptional } from '@/lib/engine-stream';
import { TimeAgo } from '@/components/time-ago';

/**
 * Says at once when the engine cannot be reached, and that what is on screen may be stale; it goes away by
 * itself when the stream reconnects. `standalone` is the version shown before anything could be loaded.
 */
export function EngineAwayBanner({ standalone = false }: { standalone?: boolean }) {
  const stream = useEngineStreamOptional();
  if (!standalone && stream?.connection !== 'away') return null;
  const lastSeen = stream?.lastSeen();
  return (
    <div className="flex items-center gap-2 border-b border-rejected/40 bg-rejected/10 px-6 py-2 text-sm text-text">
      <TriangleAlert className="size-4 text-rejected" aria-hidden />
      <span>
        {/* The live region is the sentence that matters, said once: the time after it ticks. */}
        <span role="status">The engine cannot be reached.</span>{' '}
        {lastSeen && (
          <>
            Last heard from it <TimeAgo at={lastSeen} />; what is on screen may be out of date.{' '}
          </>
        )}
        The console keeps trying and reconnects by itself.
      </span>
    </div>
  );
}
