'use client';
import { useEffect } from 'react';

/**
 * Calls `refetch` when the window gets the focus back, for a list no event keeps live (users, tokens):
 * another window may have changed it meanwhile. TanStack Query refetches when a tab becomes visible, not
 * when a window that stayed visible beside another is focused again.
 */
export function useRefetchOnFocus(refetch: () => unknown): void {
  useEffect(() => {
    const again = (): void => void refetch();
    window.addEventListener('focus', again);
    return () => window.removeEventListener('focus', again);
  }, [refetch]);
}
