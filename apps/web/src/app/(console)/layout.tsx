import type { ReactNode } from 'react';
import { Suspense } from 'react';
import { ConsoleFrame } from '@/features/frame/console-frame';

/** Every signed-in page: sidebar, top bar, the shared event stream. */
export default function ConsoleLayout({ children }: { children: ReactNode }) {
  return (
    <Suspense>
      <ConsoleFrame>{children}</ConsoleFrame>
    </Suspense>
  );
}
