import type { PipelineError } from './delivery.ts';
import type { HookChain, Rejection } from './dispatch-hooks.ts';
import type { EngineEvents } from './engine-events.ts';
import type { PipelineMessage } from './pipeline-message.ts';

/**
 * Refused messages: each goes to the journal (the `onRejected` hooks write it as a FAILED entry with
 * its raw input) and to the event stream (`message.rejected`), with every problem found.
 */
export class Refusals {
  constructor(
    private readonly hooks: HookChain,
    private readonly events: EngineEvents,
  ) {}

  /** Reports a message the pipeline refused; returns its error (INTERNAL if it carries none). */
  rejected(m: PipelineMessage): PipelineError {
    const error = m.error ?? { code: 'INTERNAL', message: 'rejected', problems: [] };
    const parentId = m.intake.origin === 'internal' ? m.intake.parentId : undefined;
    this.report({
      raw: m.intake.raw,
      error,
      ...(m.from ? { from: m.from } : {}),
      ...(m.to ? { to: m.to } : {}),
      ...(m.threadId ? { threadId: m.threadId } : {}),
      ...(m.root ? { root: m.root } : {}),
      ...(parentId ? { parentId } : {}),
    });
    return error;
  }

  /** Refuses input before or beside the pipeline (draining, a full queue, the hop limit, the journal). */
  refuse(
    raw: string | Uint8Array,
    code: PipelineError['code'],
    message: string,
  ): { ok: false; error: PipelineError } {
    const error = { code, message, problems: [{ message }] };
    this.report({ raw, error });
    return { ok: false, error };
  }

  private report(r: Rejection): void {
    this.hooks.notify('onRejected', r);
    this.events.emit(() => ({
      type: 'message.rejected',
      at: Date.now(),
      code: r.error.code,
      message: r.error.message,
      problems: [...r.error.problems],
      ...(r.from ? { from: r.from } : {}),
      ...(r.threadId ? { threadId: r.threadId } : {}),
    }));
  }
}
