import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../logging/logger.ts';

export interface TrafficOptions {
  /** Folder of envelope templates (`*.xml`); `{{n}}` becomes a number from 1 to 100 in each message. */
  folder: string;
  ratePerSecond: number;
  submit(xml: string): Promise<unknown>;
  /** Where a failed send is reported; the generator keeps going. */
  logger: Logger;
}

/**
 * Keeps realistic messages flowing so an operator has something live to watch: every tick it sends
 * one of the organism's sample envelopes, with numbers varied. Started and stopped explicitly.
 */
export class TrafficGenerator {
  private timer: NodeJS.Timeout | undefined;
  private readonly templates: string[];
  sent = 0;

  constructor(private readonly opts: TrafficOptions) {
    this.templates = readdirSync(opts.folder)
      .filter((f) => f.endsWith('.xml'))
      .sort()
      .map((f) => readFileSync(join(opts.folder, f), 'utf8'));
    if (this.templates.length === 0) throw new Error(`no *.xml envelope templates in ${opts.folder}`);
  }

  start(): void {
    const interval = Math.max(1, Math.round(1000 / this.opts.ratePerSecond));
    // A send that throws must not become an unhandled rejection (which ends the process): log it.
    this.timer = setInterval(() => {
      this.tick().catch((err: unknown) =>
        this.opts.logger.warn({ err }, 'traffic: a sample could not be sent'),
      );
    }, interval);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async tick(): Promise<void> {
    const template = this.templates[this.sent % this.templates.length] ?? '';
    this.sent++;
    // Numbers only: the templates are trusted files and nothing else is pasted into them.
    const xml = template.replace(/\{\{n\}\}/g, () => String(1 + Math.floor(Math.random() * 100)));
    await this.opts.submit(xml);
  }
}
