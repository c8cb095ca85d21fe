'use client';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { useLeaving } from '@/lib/use-unsaved-guard';

/** The question of a page with unsaved work, asked when it is about to be left (`useUnsavedGuard`). */
export function LeaveDialog() {
  const { leaving, answer } = useLeaving();
  return (
    <ConfirmDialog
      open={leaving !== null}
      onOpenChange={(open) => {
        if (!open) answer(false);
      }}
      title={leaving?.question.title ?? ''}
      body={leaving?.question.body ?? ''}
      confirm={leaving?.question.leave ?? 'Leave'}
      cancel="Stay"
      onConfirm={() => answer(true)}
    />
  );
}
