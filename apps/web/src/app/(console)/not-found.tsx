import type { Metadata } from 'next';
import { Missing } from '@/components/missing';

export const metadata: Metadata = { title: 'Not found' };

/** A path the console has no page for, shown inside the frame so that the way on is at hand. */
export default function NotFound() {
  return (
    <Missing title="Not found" href="/" label="Go to the overview">
      The console has no page at this address.
    </Missing>
  );
}
