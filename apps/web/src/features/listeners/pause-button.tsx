'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Pause, Play } from 'lucide-react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { actionsColumn } from '@/components/ui/data-table';
import type { DataColumn } from '@/components/ui/data-table';
import { describeError } from '@/lib/engine-error';
import { formatCount } from '@/lib/format';
import type { ListenerInfo } from '@/lib/live-listeners';
import { useSession } from '@/lib/session';
import { useTRPC } from '@/lib/trpc';
import { useSingleFlight } from '@/lib/single-flight';

/**
 * Pausing and resuming listener `name`, each saying how it went in a toast; a second call while one runs
 * is ignored (single flight). The listener tables' buttons and the command palette use it.
 */
export function usePauseResume(name: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.listeners.list.queryKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.listeners.byName.queryKey({ name }) });
  };
  const pause = useMutation(
    trpc.listeners.pause.mutationOptions({
      onSuccess: () => {
        toast.success(`${name} paused: its messages wait PENDING until you resume it.`);
        refresh();
      },
      onError: (err) => toast.error(describeError(err)),
    }),
  );
  const resume = useMutation(
    trpc.listeners.resume.mutationOptions({
      onSuccess: ({ waiting }) => {
        toast.success(
          waiting > 0
            ? `${name} resumed: ${formatCount(waiting)} waiting ${waiting === 1 ? 'message goes' : 'messages go'} out in order.`
            : `${name} resumed.`,
        );
        refresh();
      },
      onError: (err) => toast.error(describeError(err)),
    }),
  );
  const pauseOnce = useSingleFlight(pause.mutate);
  const resumeOnce = useSingleFlight(resume.mutate);
  return {
    pause: () => pauseOnce({ name }),
    resume: () => resumeOnce({ name }),
    pausing: pause.isPending,
    resuming: resume.isPending,
  };
}

/**
 * Pause or resume a listener (operator; the engine's own `system.*` listeners cannot be paused, so they
 * get no button). While paused, its deliveries wait PENDING in the journal; resume dispatches them in order.
 */
export function PauseResumeButton({ l, compact = false }: { l: ListenerInfo; compact?: boolean }) {
  const { can } = useSession();
  const { pause, resume, pausing, resuming } = usePauseResume(l.name);
  if (!can('operator') || l.system) return null;
  const busy = pausing || resuming;
  const paused = l.state === 'paused';
  // One width for every word it can say (Pause, Resume, Pausing…, Resuming…): it never grows past its
  // column, and the rows' buttons line up.
  const size = compact ? 'h-6 w-24 justify-center px-2 text-xs' : 'min-w-28 justify-center';
  // One button whose words change, never `disabled` while the call runs: disabling the focused button
  // would drop the keyboard's focus to the page's body. A second press meanwhile is ignored (single flight).
  return (
    <Button
      className={size}
      aria-disabled={busy}
      onClick={paused ? resume : pause}
      aria-label={`${paused ? 'Resume' : 'Pause'} ${l.name}`}
      title={
        paused
          ? `Dispatch ${l.name}'s waiting messages, oldest first`
          : `Hold ${l.name}'s deliveries PENDING (intake still accepts them) until resumed`
      }
    >
      {paused ? <Play className="size-3.5" aria-hidden /> : <Pause className="size-3.5" aria-hidden />}{' '}
      {paused ? (resuming ? 'Resuming…' : 'Resume') : pausing ? 'Pausing…' : 'Pause'}
    </Button>
  );
}

/** The listener tables' column of Pause and Resume buttons, for operators. */
export const PAUSE_RESUME_COLUMN: DataColumn<ListenerInfo> = actionsColumn(120, (l) => (
  <PauseResumeButton l={l} compact />
));
