import type { Log, MessageId } from '@organism/shared';
import type {
  OrchestrationRow,
  OrchestrationStore,
} from '../../journal/orchestrations/orchestration-store.ts';
import type { PipelineError } from '../../pump/delivery.ts';
import { HandlerError } from '../../pump/sending-context.ts';
import type { HandlerContext, Listener } from '../../pump/listener.ts';
import { routedOnly } from '../../pump/listener.ts';
import {
  BUFFER_START_ROOT,
  SEQUENCE_START_ROOT,
  SYSTEM_ERROR_ROOT,
} from '../../pump/system/system-payloads.ts';
import { readBufferStart, readSequenceStart, systemErrorMessage } from '../../pump/system/start-readers.ts';
import type { CompiledSchema } from '../../xml/index.ts';
import { bufferDispatchedXml, sequenceCompleteXml, sequenceErrorXml } from './orchestration-xml.ts';
import { awaitedBy, mayHaveBeenSent, parse, progressOf } from './orchestration-run.ts';
import type { Run, RunProgress, Send } from './orchestration-run.ts';
import { PeerAnswers } from './peer-answers.ts';
import { BUFFER, fillBuffer, pushResult, SEQUENCE, sendStep } from './run-steps.ts';
import type { Awaits } from './run-steps.ts';
import type { AnswerSource } from './peer-answers.ts';

export type { RunProgress } from './orchestration-run.ts';

export { BUFFER, SEQUENCE } from './run-steps.ts';

export interface OrchestratorDeps {
  store: OrchestrationStore;
  /** Whether a message with this id is in the journal (sent before a crash). */
  sent: (id: MessageId) => Promise<boolean>;
  log: Log;
  now?: () => number;
  /** Several engines on one journal: where the answers other engines received are found. */
  answers?: AnswerSource;
}

/** What the orchestrator needs of the pump, attached once the pump exists (it runs the listeners). */
export interface OrchestratorPump {
  sendInternal(o: Omit<Send, 'purpose'>): Promise<{ ok: true } | { ok: false; error: PipelineError }>;
  /** Whether a listener by this name runs now. */
  has(name: string): boolean;
}

/**
 * system.sequence and system.buffer (docs/orchestration.md). Each run is kept in the journal's file at
 * every step (what it was asked, how far it got, and the messages it is about to send, written before
 * they are sent), so after a crash or a restart it goes on, or ends with a reason once its deadline has
 * passed. Steps and items are ordinary messages: journaled, retried by their listener's policy, shown in
 * the thread. A step's answer comes back to the orchestrator as a reply, matched by the forward it
 * answers (`ctx.inReplyTo`).
 */
export class Orchestrator {
  private pump: OrchestratorPump | undefined;
  /** Run id by the forward it waits on. */
  private readonly waiting = new Map<string, string>();
  private readonly deadlines = new Map<string, number>();
  /** One change at a time per run: replies of one buffer arrive together. */
  private readonly locks = new Map<string, Promise<unknown>>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly now: () => number;
  private readonly peerAnswers: PeerAnswers | undefined;
  private readonly awaits: Awaits = (id, runId) => this.waiting.set(id, runId);

  constructor(private readonly deps: OrchestratorDeps) {
    this.now = deps.now ?? Date.now;
    this.peerAnswers =
      deps.answers &&
      new PeerAnswers(
        deps.answers,
        () => [...this.waiting.keys()],
        (a) => {
          const runId = this.waiting.get(a.inReplyTo);
          if (!runId) return Promise.resolve();
          // Taken in here unless it was meanwhile (its engine was this one after all, or a look before).
          return this.locked(runId, () =>
            this.waiting.get(a.inReplyTo) === runId ? this.answer(runId, a) : Promise.resolve(),
          );
        },
        deps.log,
      );
  }

  attach(pump: OrchestratorPump): void {
    this.pump = pump;
  }

  /** The two system listeners; they take any answer addressed to them (their steps' replies). */
  listeners(systemSchema: CompiledSchema): Listener[] {
    const make = (name: string, root: string, description: string): Listener => ({
      ...routedOnly(name, systemSchema, [root], undefined, true),
      description,
      handler: (_payload, ctx) => this.handle(name, ctx),
      timeoutMs: 60_000,
      concurrency: 16,
      retry: { maxAttempts: 3, initialDelayMs: 100, maxDelayMs: 2_000 },
    });
    return [
      make(SEQUENCE, SEQUENCE_START_ROOT, 'Runs steps in order, each step’s reply the next one’s input.'),
      make(BUFFER, BUFFER_START_ROOT, 'Sends items to a listener in parallel, each on a thread of its own.'),
    ];
  }

  /** Picks up the runs an earlier process left going: before recovery hands their answers back. */
  async start(): Promise<void> {
    for (const row of await this.deps.store.running()) await this.pickUp(row);
    this.arm();
    // What other engines received for these runs while none held them, and from now on.
    this.peerAnswers?.start();
    void this.peerAnswers?.look();
  }

  /** Picks up runs adopted from an engine that died (several engines on one journal). */
  async adopt(ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      const row = await this.deps.store.get(id);
      if (row?.status === 'running') await this.pickUp(row);
    }
    this.arm();
    void this.peerAnswers?.look();
  }

  private async pickUp(row: OrchestrationRow): Promise<void> {
    const run = parse(row);
    for (const id of awaitedBy(run)) this.waiting.set(id, row.id);
    if (row.deadline !== null) this.deadlines.set(row.id, row.deadline);
    await this.locked(row.id, () => this.flush(run));
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.peerAnswers?.stop();
  }

  /** Forgets the runs that ended before `cutoff` (journal retention); returns how many. */
  prune(cutoff: number): Promise<number> {
    return this.deps.store.prune(cutoff);
  }

  /** The runs started in a thread, with their progress, as operators see them. */
  async ofThread(threadId: string): Promise<RunProgress[]> {
    return (await this.deps.store.ofThread(threadId)).map((row) => progressOf(parse(row)));
  }

  private async handle(name: string, ctx: HandlerContext): Promise<void> {
    if (ctx.root === SEQUENCE_START_ROOT || ctx.root === BUFFER_START_ROOT) {
      if (name === SEQUENCE && ctx.root !== SEQUENCE_START_ROOT)
        throw new HandlerError('system.sequence takes SequenceStart', { retryable: false });
      if (name === BUFFER && ctx.root !== BUFFER_START_ROOT)
        throw new HandlerError('system.buffer takes BufferStart', { retryable: false });
      return this.locked(ctx.messageId, () => this.begin(name, ctx));
    }
    const runId = ctx.inReplyTo ? this.waiting.get(ctx.inReplyTo) : undefined;
    // An answer to nothing waiting: late (its run timed out or ended), or to a result this sent.
    if (!runId) return;
    await this.locked(runId, () => this.answer(runId, ctx));
  }

  private async begin(name: string, ctx: HandlerContext): Promise<void> {
    const existing = await this.deps.store.get(ctx.messageId);
    // Its start was handled before a crash or a retry: only what it had not sent yet goes out.
    if (existing) return this.flush(parse(existing));
    const now = this.now();
    const base = {
      id: ctx.messageId,
      threadId: ctx.threadId,
      status: 'running' as const,
      createdAt: now,
      updatedAt: now,
    };
    if (name === SEQUENCE) {
      const spec = readSequenceStart(ctx.payloadXml);
      this.mustExist(spec.returnTo, 'returnTo');
      const run: Run = {
        kind: 'sequence',
        spec,
        state: { index: 0, awaiting: null, outbox: [] },
        row: { ...base, kind: 'sequence', spec: '', state: '', deadline: null },
      };
      const unknown = spec.steps.findIndex((s) => !this.runs(s));
      if (unknown >= 0) {
        const step = spec.steps[unknown] ?? '';
        const why = step.startsWith('system.')
          ? 'a step cannot be a system listener'
          : `no listener named ${step}`;
        run.state.failedAt = unknown;
        pushResult(run, sequenceErrorXml(step, unknown, `${why}; no step was run`));
      } else sendStep(run, 0, spec.payloadXml, this.now(), this.awaits);
      return this.save(run);
    }
    const spec = readBufferStart(ctx.payloadXml);
    this.mustExist(spec.returnTo, 'returnTo');
    if (!this.runs(spec.target))
      throw new HandlerError(`target: no listener named ${spec.target}`, { retryable: false });
    const run: Run = {
      kind: 'buffer',
      spec,
      state: {
        next: 0,
        threads: spec.items.map(() => null),
        inFlight: {},
        results: spec.items.map(() => null),
        outbox: [],
      },
      row: { ...base, kind: 'buffer', spec: '', state: '', deadline: now + spec.timeoutMs },
    };
    if (!spec.collect) pushResult(run, bufferDispatchedXml(spec.items.length), false);
    fillBuffer(run, this.awaits);
    return this.save(run);
  }

  private async answer(
    runId: string,
    ctx: Pick<HandlerContext, 'root' | 'payloadXml'> & { inReplyTo?: string },
  ): Promise<void> {
    const row = await this.deps.store.get(runId);
    const forward = ctx.inReplyTo;
    if (!row || row.status !== 'running' || !forward) return;
    const run = parse(row);
    const failed = ctx.root === SYSTEM_ERROR_ROOT;
    if (run.kind === 'sequence') {
      // Answered before a crash and handled: what it led to may still be unsent.
      if (run.state.awaiting !== forward) return this.flush(run);
      this.waiting.delete(forward);
      const { index } = run.state;
      const step = run.spec.steps[index] ?? '';
      if (failed) {
        run.state.failedAt = index;
        pushResult(run, sequenceErrorXml(step, index, systemErrorMessage(ctx.payloadXml)));
      } else if (index + 1 < run.spec.steps.length)
        sendStep(run, index + 1, ctx.payloadXml, this.now(), this.awaits);
      else pushResult(run, sequenceCompleteXml(ctx.payloadXml, run.spec.steps.length));
    } else {
      const item = run.state.inFlight[forward];
      if (item === undefined) return this.flush(run);
      this.waiting.delete(forward);
      delete run.state.inFlight[forward];
      run.state.results[item] = failed
        ? { success: false, reason: systemErrorMessage(ctx.payloadXml) }
        : { success: true, ...(run.spec.collect ? { xml: ctx.payloadXml } : {}) };
      fillBuffer(run, this.awaits);
    }
    return this.save(run);
  }

  /** A deadline passed: the step that did not answer fails the sequence; items not answered are missing. */
  private async expire(runId: string): Promise<void> {
    const row = await this.deps.store.get(runId);
    if (!row || row.status !== 'running') return;
    const run = parse(row);
    if (run.kind === 'sequence') {
      const { index } = run.state;
      if (run.state.awaiting) this.waiting.delete(run.state.awaiting);
      run.state.awaiting = null;
      const why = `no answer within ${run.spec.stepTimeoutMs} ms`;
      run.state.failedAt = index;
      pushResult(run, sequenceErrorXml(run.spec.steps[index] ?? '', index, why));
    } else {
      for (const id of Object.keys(run.state.inFlight)) this.waiting.delete(id);
      run.state.inFlight = {};
      const why = `no answer within ${run.spec.timeoutMs} ms`;
      run.state.results = run.state.results.map((r) => r ?? { success: false, missing: true, reason: why });
      run.state.next = run.spec.items.length;
      fillBuffer(run, this.awaits);
    }
    return this.save(run);
  }

  /** Writes the run (its outbox first), then sends what it holds. */
  private async save(run: Run): Promise<void> {
    await this.put(run);
    await this.flush(run);
  }

  /**
   * Sends the outbox, each message unless the journal has it already (one read back from the run's row
   * may have been sent before a crash: `mayHaveBeenSent`), then writes it empty. A step or item the
   * pipeline refuses (its input does not match the listener's contract) fails the sequence, or that item,
   * with the pipeline's reason.
   */
  private async flush(run: Run): Promise<void> {
    const pump = this.pump;
    if (!pump) throw new Error('the orchestrator is not attached to a pump');
    while (run.state.outbox.length > 0) {
      const outbox = run.state.outbox;
      run.state.outbox = [];
      for (const s of outbox) {
        if (mayHaveBeenSent(s) && (await this.deps.sent(s.id))) continue;
        const { purpose, ...message } = s;
        const sent = await pump.sendInternal(message);
        if (sent.ok) continue;
        const reason = `${s.to} refused it: ${sent.error.code}: ${sent.error.message}`;
        this.waiting.delete(s.id);
        if ('step' in purpose && run.kind === 'sequence') {
          run.state.awaiting = null;
          run.state.failedAt = purpose.step;
          pushResult(run, sequenceErrorXml(s.to, purpose.step, reason));
        } else if ('item' in purpose && run.kind === 'buffer') {
          delete run.state.inFlight[s.id];
          run.state.results[purpose.item] = { success: false, reason };
          fillBuffer(run, this.awaits);
        } else
          this.deps.log.error(
            { run: run.row.id, to: s.to, code: sent.error.code },
            `${s.from} could not send its result to ${s.to}: ${sent.error.message}`,
          );
      }
    }
    await this.put(run);
  }

  private async put(run: Run): Promise<void> {
    run.row.spec = JSON.stringify(run.spec);
    run.row.state = JSON.stringify(run.state);
    run.row.updatedAt = this.now();
    await this.deps.store.put(run.row);
    if (run.row.status === 'running' && run.row.deadline !== null)
      this.deadlines.set(run.row.id, run.row.deadline);
    else this.deadlines.delete(run.row.id);
    this.arm();
  }

  private arm(): void {
    clearTimeout(this.timer);
    if (this.stopped || this.deadlines.size === 0) return;
    const next = Math.min(...this.deadlines.values());
    this.timer = setTimeout(() => void this.tick(), Math.max(0, next - this.now()));
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    const now = this.now();
    for (const [id, at] of [...this.deadlines]) {
      if (at > now) continue;
      this.deadlines.delete(id);
      try {
        await this.locked(id, () => this.expire(id));
      } catch (err) {
        this.deps.log.error(
          { err, run: id },
          `orchestration ${id} could not end at its deadline; trying again in 5 s`,
        );
        this.deadlines.set(id, now + 5_000);
      }
    }
    this.arm();
  }

  private runs(name: string): boolean {
    return !name.startsWith('system.') && this.pump?.has(name) === true;
  }

  private mustExist(name: string, key: string): void {
    if (!this.runs(name)) throw new HandlerError(`${key}: no listener named ${name}`, { retryable: false });
  }

  private locked<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const run = (this.locks.get(id) ?? Promise.resolve()).then(fn);
    const tail = run.catch(() => undefined);
    this.locks.set(id, tail);
    void tail.then(() => {
      if (this.locks.get(id) === tail) this.locks.delete(id);
    });
    return run;
  }
}
