import type { Metadata } from 'next';
import { Missing } from '@/components/missing';
import { ConsoleFrame } from '@/features/frame/console-frame';

export const metadata: Metadata = { title: 'Not found' };

/**
 * An address the console has no page for. The root's not-found, not a catch-all page's `notFound()`
 * (which comes once the frame has streamed): so the answer's status is 404. It draws the frame itself,
 * so that the way on is at hand.
 */
export default function NotFound() {
  return (
    <ConsoleFrame>
      <Missing title="Not found" href="/" label="Go to the overview">
        The console has no page at this address.
      </Missing>
    </ConsoleFrame>
  );
}
