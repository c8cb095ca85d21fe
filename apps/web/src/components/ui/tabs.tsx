'use client';
import { Tabs as T } from 'radix-ui';
import type { ComponentProps } from 'react';

/** Tabs on radix (arrow keys move between tabs); `Tabs.List` sits in a panel header, a bar of small labels. */
export const Tabs = {
  Root: T.Root,
  List: ({ className = '', ...props }: ComponentProps<typeof T.List>) => (
    <T.List className={`-m-1 flex min-w-0 items-center gap-1 overflow-x-auto p-1 ${className}`} {...props} />
  ),
  Trigger: ({ className = '', ...props }: ComponentProps<typeof T.Trigger>) => (
    <T.Trigger
      className={`h-7 shrink-0 rounded-md px-2.5 text-xs font-medium text-muted hover:text-text data-[state=active]:bg-panel-2 data-[state=active]:text-text ${className}`}
      {...props}
    />
  ),
  Content: ({ className = '', ...props }: ComponentProps<typeof T.Content>) => (
    <T.Content className={`outline-none ${className}`} {...props} />
  ),
};
