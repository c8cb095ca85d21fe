'use client';
import { useCallback, useRef } from 'react';

/**
 * A mutation's `mutate` that ignores calls while one it made is in flight. A button disabled by the
 * mutation's `isPending` still takes the second click of a double-click, which arrives before React has
 * drawn the button disabled: the engine would get the action twice, and the operator two toasts that
 * contradict each other ("queued again", "no longer a dead letter").
 */
export function useSingleFlight<V>(
  mutate: (variables: V, options: { onSettled: () => void }) => void,
): (variables: V) => void {
  const busy = useRef(false);
  return useCallback(
    (variables: V) => {
      if (busy.current) return;
      busy.current = true;
      mutate(variables, {
        onSettled: () => {
          busy.current = false;
        },
      });
    },
    [mutate],
  );
}
