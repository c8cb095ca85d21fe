'use client';
import { AlertDialog } from 'radix-ui';
import type { ReactNode } from 'react';
import { Button } from './button';

/**
 * Asks before an action that cannot be undone. The trigger is whatever `children` is; with none, the
 * dialog is opened by its caller (`open`, `onOpenChange`), which says where focus goes once it closes
 * (`returnFocus`), since no trigger takes it back.
 */
export function ConfirmDialog({
  title,
  body,
  confirm,
  cancel = 'Cancel',
  onConfirm,
  children,
  open,
  onOpenChange,
  returnFocus,
}: {
  title: string;
  body: ReactNode;
  confirm: string;
  /** The button that answers no. */
  cancel?: string;
  onConfirm: () => void;
  children?: ReactNode;
  open?: boolean;
  onOpenChange?: (open: boolean) => void;
  returnFocus?: () => HTMLElement | null;
}) {
  return (
    <AlertDialog.Root {...(open === undefined ? {} : { open })} onOpenChange={onOpenChange}>
      {children !== undefined && <AlertDialog.Trigger asChild>{children}</AlertDialog.Trigger>}
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="fixed inset-0 z-40 bg-black/40" />
        <AlertDialog.Content
          onCloseAutoFocus={(e) => {
            const to = returnFocus?.();
            if (!to) return;
            e.preventDefault();
            to.focus();
          }}
          className="fixed top-1/3 left-1/2 z-50 w-full max-w-md -translate-x-1/2 rounded-lg border border-border bg-panel p-5 shadow-xl"
        >
          {/* A name of any length (a token's, a user's) breaks where it must instead of leaving the dialog. */}
          <AlertDialog.Title className="text-base font-semibold [overflow-wrap:anywhere]">
            {title}
          </AlertDialog.Title>
          <AlertDialog.Description className="mt-2 text-sm text-muted [overflow-wrap:anywhere]">
            {body}
          </AlertDialog.Description>
          <div className="mt-5 flex justify-end gap-2">
            <AlertDialog.Cancel asChild>
              <Button>{cancel}</Button>
            </AlertDialog.Cancel>
            <AlertDialog.Action asChild>
              <Button variant="danger" onClick={onConfirm}>
                {confirm}
              </Button>
            </AlertDialog.Action>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
