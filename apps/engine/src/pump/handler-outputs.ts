import { qname, SYSTEM_NS } from '@organism/shared';
import type { Log } from '@organism/shared';
import type { Delivery, DeliveryKind, DispatchFailure } from './delivery.ts';
import type { Output } from './sending-context.ts';
import { buildOutputs } from './output-deliveries.ts';
import type { Intake, PipelineMessage } from './pipeline-message.ts';
import type { Refusals } from './refusals.ts';
import type { RoutingTable } from './routing-table.ts';
import { systemErrorFor } from './system-error-text.ts';
import { systemErrorXml } from './system/system-payloads.ts';
import type { ThreadRegistry } from './thread-registry.ts';
import { journalStack } from './stack-paths.ts';

export type OutputsOutcome = { ok: true; deliveries: Delivery[] } | { ok: false; failure: DispatchFailure };

const SYSTEM_ERROR_ROOT = qname(SYSTEM_NS, 'SystemError');

export interface HandlerOutputsDeps {
  /** The routing table now (a reload replaces it). */
  routing: () => RoutingTable;
  /** The pipeline, on an intake worker or on this thread. */
  run: (intake: Intake) => Promise<PipelineMessage>;
  refusals: Refusals;
  threads: ThreadRegistry;
  maxHopsPerThread: number;
  log: Log;
}

/**
 * What a delivery's run sends on: its handler's outputs, or the SystemError its failure answers. Each
 * runs the pipeline and counts against its thread's hop budget before anything is recorded.
 */
export class HandlerOutputs {
  constructor(private readonly deps: HandlerOutputsDeps) {}

  /**
   * The handler's outputs as deliveries. The steps report refusals as data; should one throw all the
   * same (an engine fault, or a handler passing something odd), the delivery fails as INTERNAL instead
   * of the error escaping the dispatcher and leaving its thread open forever.
   */
  async checked(d: Delivery, outputs: readonly Output[]): Promise<OutputsOutcome> {
    try {
      return await this.deliveries(d, outputs);
    } catch (err) {
      const detail = `${d.to}: ${journalStack(err)}`;
      return {
        ok: false,
        failure: {
          code: 'INTERNAL',
          message: "the engine failed on the handler's outputs",
          detail,
          retryable: false,
        },
      };
    }
  }

  /** The SystemError that answers `d`'s failure to its sender, when one may be sent. */
  async systemError(d: Delivery, failure: DispatchFailure): Promise<Delivery[]> {
    // An error is never answered with an error: two listeners that fail on each other's SystemErrors
    // would bounce them forever. The failure is a dead letter; operators see it.
    if (d.kind === 'error' || d.root === SYSTEM_ERROR_ROOT) return [];
    const raw = systemErrorXml(systemErrorFor(failure.code, failure.retryable));
    const made = await this.deliveries(d, [{ kind: 'reply', to: undefined, xml: raw }], 'error');
    if (made.ok) return made.deliveries;
    // A thread whose hop budget is spent sends nothing more, not even an error (egress excepted).
    if (made.failure.code === 'HOP_LIMIT_EXCEEDED') return [];
    this.deps.log.error(
      { messageId: d.id, threadId: d.threadId, code: made.failure.code, detail: made.failure.detail },
      `SystemError for ${d.id} could not be routed: ${made.failure.detail ?? made.failure.message}`,
    );
    return [];
  }

  /** Runs each output through the pipeline; one bad output fails the whole handler run. */
  private async deliveries(
    d: Delivery,
    outputs: readonly Output[],
    kindOverride?: DeliveryKind,
  ): Promise<OutputsOutcome> {
    const { refusals, threads } = this.deps;
    const made = await buildOutputs(
      d,
      outputs,
      this.deps.routing(),
      this.deps.run,
      (m) => refusals.rejected(m),
      kindOverride,
    );
    if (!made.ok) return made;
    // Every delivery counts against the thread's budget, whatever the chain: loops cannot hide.
    const routed = made.deliveries.filter((o) => !o.egress).length;
    const spent = threads.overBudget(d.threadId, routed, this.deps.maxHopsPerThread);
    if (!spent) return made;
    const message = 'the thread made too many deliveries';
    return { ok: false, failure: { code: 'HOP_LIMIT_EXCEEDED', message, detail: spent, retryable: false } };
  }
}
