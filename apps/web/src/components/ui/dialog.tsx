'use client';
import { Dialog as Radix } from 'radix-ui';
import type { ReactNode } from 'react';
import { describeError } from '@/lib/engine-error';
import { Button } from './button';

/**
 * A titled modal for a short form or a result to read (add a user, a token shown once). Controlled, so the
 * page decides when it closes (after the engine said yes); the trigger is whatever `trigger` is.
 */
export function Dialog({
  title,
  description,
  open,
  onOpenChange,
  trigger,
  children,
  wide = false,
}: {
  title: string;
  description?: ReactNode;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  trigger?: ReactNode;
  children: ReactNode;
  /** For content wider than a form: code to copy. */
  wide?: boolean;
}) {
  return (
    <Radix.Root open={open} onOpenChange={onOpenChange}>
      {trigger && <Radix.Trigger asChild>{trigger}</Radix.Trigger>}
      <Radix.Portal>
        <Radix.Overlay className="fixed inset-0 z-40 bg-black/40" />
        <Radix.Content
          className={`fixed top-[12vh] left-1/2 z-50 max-h-[80vh] w-full -translate-x-1/2 overflow-y-auto rounded-lg border border-border bg-panel p-5 shadow-xl ${wide ? 'max-w-2xl' : 'max-w-md'}`}
          // Without a description Radix warns; `undefined` tells it there is none on purpose.
          {...(description === undefined ? { 'aria-describedby': undefined } : {})}
        >
          <Radix.Title className="text-base font-semibold">{title}</Radix.Title>
          {description !== undefined && (
            <Radix.Description className="mt-1 text-sm text-muted">{description}</Radix.Description>
          )}
          <div className="mt-4">{children}</div>
        </Radix.Content>
      </Radix.Portal>
    </Radix.Root>
  );
}

/** The dialog's closing button (Cancel, Done), for the row of actions at its foot. */
export const DialogClose = Radix.Close;

/**
 * The foot of a dialog's form: the engine's refusal when no field took it (a field's own error is shown at
 * the field), then Cancel and the submit button, which says it is working while the request runs.
 */
export function FormDialogFooter({
  error,
  fieldErrors,
  pending,
  submit,
  working,
}: {
  error: unknown;
  fieldErrors: boolean;
  pending: boolean;
  submit: string;
  working: string;
}) {
  return (
    <>
      {error != null && !fieldErrors && (
        <p role="alert" className="text-sm text-failed">
          {describeError(error)}
        </p>
      )}
      <div className="flex justify-end gap-2 pt-2">
        <DialogClose asChild>
          <Button>Cancel</Button>
        </DialogClose>
        <Button type="submit" variant="primary" disabled={pending}>
          {pending ? working : submit}
        </Button>
      </div>
    </>
  );
}
