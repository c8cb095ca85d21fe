import { createHash } from 'node:crypto';
import { formatProblem } from '@organism/shared';
import type { Log } from '@organism/shared';
import type { Peers, SharedConfig } from '../journal/peers.ts';
import type { EngineConfiguration } from './engine-configuration.ts';

/** How long a change made here waits before it tries again to share a revision the database refused. */
const RETRY_MS = 1_000;

/** A short digest of organism.yaml and the files it includes: equal texts, equal versions. */
export function configVersion(yaml: string, includes: Record<string, string>): string {
  const hash = createHash('sha256').update(yaml);
  for (const file of Object.keys(includes).sort()) hash.update(`\0${file}\0${includes[file]}`);
  return hash.digest('hex').slice(0, 12);
}

/**
 * Live configuration across engines sharing a journal (docs/scale-out.md). A change made on any engine
 * (apply, rollback, reload) is published as a revision; every engine follows the newest revision, writing
 * it over its organism.yaml and included files (the text it replaces goes to its config history) and
 * swapping it in as an apply does. Each engine reports the version it runs, and why it could not run the
 * newest (a handler or XSD missing on its machine, say): it then keeps running what it ran, and says so.
 * An engine that starts runs the newest revision rather than its file, once there is one; the first
 * engine of a schema publishes its file.
 */
export class SharedConfiguration {
  /** The version this engine runs. */
  private running = '';
  /** The newest version it tried and could not run: not tried again until a newer one is published. */
  private refused: string | undefined;
  /** Why it could not. */
  private reason: string | undefined;
  private unwatch: (() => void) | undefined;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;
  // One look at a time: revisions published in a burst are followed once, to the newest.
  private looking: Promise<void> = Promise.resolve();
  private again = false;

  constructor(
    private readonly peers: Peers,
    private readonly configuration: EngineConfiguration,
    private readonly log: Log,
  ) {}

  /** At start, before recovery: runs the newest revision (or publishes this file), then follows. */
  async start(): Promise<void> {
    const mine = await this.configuration.snapshot();
    const version = configVersion(mine.yaml, mine.includes);
    this.running = version;
    const latest = await this.peers.latestConfig();
    // The first engine of a schema shares its file.
    if (!latest)
      await this.peers.publishConfig({
        version,
        ...mine,
        actor: `the file of engine ${this.peers.self.slice(0, 8)}`,
      });
    else if (latest.version !== version) await this.follow(latest);
    await this.peers.report({ configVersion: this.running, configError: this.error(latest) });
    this.configuration.onLocalChange((actor) => this.publish(actor));
    this.unwatch = this.peers.onConfig(() => this.look());
  }

  close(): void {
    this.closed = true;
    this.unwatch?.();
    clearTimeout(this.retry);
  }

  /** After a change made on this engine: shares it. Never throws (it was applied here already). */
  private async publish(actor: string): Promise<void> {
    clearTimeout(this.retry);
    try {
      const now = await this.configuration.snapshot();
      const version = configVersion(now.yaml, now.includes);
      this.running = version;
      this.refused = undefined;
      await this.peers.publishConfig({ version, ...now, actor });
      await this.peers.report({ configVersion: version, configError: null });
    } catch (err) {
      this.log.error(
        { err },
        'the configuration changed here but could not be shared with the other engines; trying again',
      );
      if (!this.closed) this.retry = setTimeout(() => void this.publish(actor), RETRY_MS).unref();
    }
  }

  private look(): void {
    if (this.again) return;
    this.again = true;
    this.looking = this.looking.then(async () => {
      this.again = false;
      if (this.closed) return;
      try {
        const latest = await this.peers.latestConfig();
        if (!latest || latest.version === this.running || latest.version === this.refused) return;
        await this.follow(latest);
        await this.peers.report({ configVersion: this.running, configError: this.error(latest) });
      } catch (err) {
        this.log.error({ err }, 'could not follow the shared configuration; the next change is tried again');
      }
    });
  }

  /** Runs `latest`; when it cannot, keeps what runs and remembers why. */
  private async follow(latest: SharedConfig): Promise<void> {
    const short = latest.engine.slice(0, 8);
    const result = await this.configuration
      .follow(
        latest.yaml,
        latest.includes,
        latest.actor,
        `followed configuration ${latest.version} from engine ${short}`,
      )
      .catch((err: unknown) => ({
        ok: false as const,
        problems: [
          { message: `could not write it here: ${err instanceof Error ? err.message : String(err)}` },
        ],
      }));
    if (result.ok) {
      this.running = latest.version;
      this.refused = undefined;
      this.reason = undefined;
      this.log.info(
        { version: latest.version, from: latest.engine, ...result },
        `now running configuration ${latest.version}, changed by ${latest.actor} on engine ${short}`,
      );
      return;
    }
    this.refused = latest.version;
    this.reason = result.problems.map(formatProblem).join('; ');
    this.log.error(
      { code: 'CONFIG_INVALID', version: latest.version, problems: result.problems },
      `cannot run configuration ${latest.version} from engine ${short}; still running ${this.running}:\n${result.problems.map(formatProblem).join('\n')}`,
    );
  }

  private error(latest: SharedConfig | undefined): string | null {
    return latest && this.refused === latest.version && this.reason
      ? `cannot run ${latest.version}: ${this.reason}`
      : null;
  }
}
