import type { EngineSummary, Log, SharedConfigSummary } from '@organism/shared';
import type { Peers } from '../journal/peers.ts';
import type { EngineConfiguration } from './engine-configuration.ts';
import type { ListenerPauses } from './listener-pauses.ts';
import { continueRestart, rollingRestart } from './rolling-restart.ts';
import { SharedConfiguration } from './shared-config.ts';

/**
 * What an engine does among the engines sharing its journal (docs/scale-out.md): it follows their
 * configuration and pauses, tells them of its own, lists them for operators, and restarts with them in
 * turn. The engine has one only when its journal is shared (PostgreSQL).
 */
export class AmongPeers {
  private readonly shared: SharedConfiguration;
  private readonly unwatch: (() => void)[] = [];
  /** How this engine restarts when a rolling restart it leads comes to it (see onRestartRequested). */
  private restartSelf: (drainMs: number) => void = () => {
    this.log.warn({}, 'rolling restart: this engine has no supervisor and cannot restart itself');
  };

  constructor(
    private readonly peers: Peers,
    configuration: EngineConfiguration,
    private readonly pauses: ListenerPauses,
    private readonly log: Log,
  ) {
    this.shared = new SharedConfiguration(peers, configuration, log);
  }

  /** At start, before anything runs: the newest shared configuration, then the others' pauses followed. */
  async start(): Promise<void> {
    await this.shared.start();
    this.unwatch.push(
      this.peers.onPauses(
        () =>
          void this.pauses
            .sync()
            .catch((err: unknown) => this.log.error({ err }, 'could not follow a pause')),
      ),
      // A rolling restart whose leader died or stopped: this engine goes on with it.
      this.peers.onRestartOrphaned((plan) =>
        continueRestart(
          { peers: this.peers, restartSelf: (ms) => this.restartSelf(ms), log: this.log },
          plan,
        ),
      ),
    );
  }

  /** After a pause or resume here. */
  pausesChanged(): Promise<void> {
    return this.peers.pausesChanged();
  }

  /** The engines, running first, and the newest shared configuration. */
  async engines(): Promise<{ engines: EngineSummary[]; config: SharedConfigSummary | null }> {
    const [engines, latest] = await Promise.all([this.peers.engines(), this.peers.latestConfig()]);
    return {
      engines,
      config: latest
        ? { version: latest.version, actor: latest.actor, engine: latest.engine, at: latest.at }
        : null,
    };
  }

  /** Records where this engine serves and whether a supervisor restarts it. */
  announce(address: string, supervised: boolean): Promise<void> {
    return this.peers.report({ address, supervised });
  }

  /** A restart asked here: every engine in turn, this one (`restartSelf`) last. */
  restartAll(
    drainMs: number,
    restartSelf: (drainMs: number) => void,
  ): Promise<{ accepted: true; engines: number }> {
    return rollingRestart({ peers: this.peers, restartSelf, log: this.log }, drainMs);
  }

  /**
   * A rolling restart led by another engine asks this one in turn: `fn` restarts it (and does so when
   * this engine, having taken a rolling restart over, comes to itself).
   */
  onRestartRequested(fn: (drainMs: number) => void): void {
    this.restartSelf = fn;
    this.unwatch.push(this.peers.onRestartRequested(fn));
  }

  close(): void {
    for (const unwatch of this.unwatch) unwatch();
    this.shared.close();
  }
}
