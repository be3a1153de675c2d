import 'server-only';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@/lib/files/folder.mjs';
import { PIPES_FILE } from '@/lib/files/pipes-json.mjs';
import type { Hub } from '@/lib/server/hub';
import { errorMessage, log } from '@/lib/server/log';
import { LeaseStore, type NatsLink, type PipeBucket } from '@/lib/server/nats';
import { Debouncer } from './debouncer';
import { Lease, type LeasePort } from './lease';
import { mirrorFileOf, type LeftOut } from './mirror-file';
import { callReload, type ReloadResult } from './reload';

export type MirrorSettings = { dir?: string; reloadUrl?: string; reloadToken?: string };

export type MirrorState = 'off' | 'starting' | 'writing' | 'standby' | 'error';

/** What the writer last did, published in the lease so every instance can show it. */
export type MirrorSummary = {
  /** The bucket revision pipes.json reflects, and when its bytes last changed. */
  revision: number;
  writtenAt: string;
  pipes: number;
  leftOut: LeftOut[];
  leftOutCount: number;
  reload: ReloadResult | null;
};

export type MirrorStatus = {
  state: MirrorState;
  dir?: string;
  /** Whether this instance is the one writing the file. */
  writer: boolean;
  holder: string | null;
  last: MirrorSummary | null;
  error?: string;
};

/** How the mirror batches a burst of changes: quiet for 150 ms, written within 800 ms at most. */
const QUIET_MS = 150;
const MAX_WAIT_MS = 800;
/** How often the lease is renewed (or watched, on a standby). */
const TICK_MS = 1_000;
/** Left-out entries named in the summary; the count says how many there are in all. */
const SHOWN_LEFT_OUT = 100;

type Published = { holder: string; summary: MirrorSummary | null };

/**
 * Keeps DIR/pipes.json equal to the bucket's valid pipes for a WaveHouse that reads its settings
 * directory: rewritten atomically (temp file + rename, so a reader never sees half a file) within
 * a second of any change, by one instance per bucket — whichever holds the NATS lease — then,
 * when configured, tells WaveHouse to reload and keeps its answer.
 */
export class Mirror {
  private readonly enabled: boolean;
  /** Whether a lease tick has answered yet (before: "starting"). */
  private ticked = false;
  private lease: Lease | undefined;
  private readonly debouncer = new Debouncer(() => void this.flush(), QUIET_MS, MAX_WAIT_MS);
  private unsubscribe: (() => void) | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private ticking = false;
  private flushing: Promise<void> | undefined;
  /** A change not yet in the file (or a write that failed): the next flush or tick writes it. */
  private dirty = true;
  private written: string | null | undefined;
  private summary: MirrorSummary | null = null;
  /** Why the lease, or the file, failed last; each clears on its next success. */
  private errors: { lease?: string; file?: string } = {};
  /** The last tick's answer, to log when this instance starts or stops writing. */
  private held = false;
  /** DIR/pipes.json; set when the mirror is on. */
  private readonly path: string | undefined;

  constructor(
    private readonly settings: MirrorSettings & { bucket: string; instance: string },
    private readonly hub: Hub,
  ) {
    this.enabled = settings.dir !== undefined;
    this.path = settings.dir ? join(settings.dir, PIPES_FILE) : undefined;
  }

  /** Follows the hub from now on, then takes part in the lease once the bucket is open. Never throws. */
  async start(opened: Promise<{ link: NatsLink; bucket: PipeBucket }>, port?: LeasePort): Promise<void> {
    if (!this.enabled) return;
    this.unsubscribe = this.hub.subscribe((event) => {
      if (event.type === 'status') return;
      this.dirty = true;
      this.debouncer.poke();
    }, 'internal');
    const { link, bucket } = await opened;
    try {
      const { replicas } = await bucket.info().catch(() => ({ replicas: 1 }));
      this.lease = new Lease(port ?? (await LeaseStore.open(link, `mirror.${this.settings.bucket}`, replicas)));
    } catch (err) {
      this.fail('lease', 'the lease bucket could not be opened', err);
      return;
    }
    this.ticker = setInterval(() => void this.tick(), TICK_MS).unref();
    await this.tick();
  }

  async stop(): Promise<void> {
    clearInterval(this.ticker);
    this.debouncer.cancel();
    this.unsubscribe?.();
    await this.flushing;
    await this.lease?.release().catch(() => undefined);
  }

  status(): MirrorStatus {
    if (!this.enabled) return { state: 'off', writer: false, holder: null, last: null };
    // holds() rather than the last tick's answer: a holder whose renewals stalled (a paused
    // process) stops saying it writes before a standby may take over.
    const writer = this.lease?.holds() ?? false;
    const error = this.errors.lease ?? this.errors.file;
    const other = writer ? undefined : this.othersRecord();
    return {
      state: error ? 'error' : !this.ticked ? 'starting' : writer ? 'writing' : 'standby',
      dir: this.settings.dir,
      writer,
      holder: writer ? this.settings.instance : (other?.holder ?? null),
      last: writer ? this.summary : (other?.summary ?? this.summary),
      ...(error ? { error } : {}),
    };
  }

  private othersRecord(): Published | undefined {
    const value = this.lease?.othersValue();
    if (!value) return undefined;
    try {
      return JSON.parse(value) as Published;
    } catch {
      return undefined;
    }
  }

  private async tick(): Promise<void> {
    if (this.ticking || !this.lease) return;
    this.ticking = true;
    try {
      const published: Published = { holder: this.settings.instance, summary: this.summary };
      const held = await this.lease.tick(JSON.stringify(published));
      if (held !== this.held) {
        log.info(held ? `mirror: this instance now writes ${this.path}` : `mirror: another instance writes ${this.path}`);
        this.held = held;
      }
      this.ticked = true;
      this.errors.lease = undefined;
      if (held && this.dirty && !this.debouncer.pending) await this.flush();
    } catch (err) {
      this.fail('lease', 'the lease could not be renewed', err);
    } finally {
      this.ticking = false;
    }
  }

  /** Writes the file if it changed, one flush at a time (a poke during one leads to the next). */
  private flush(): Promise<void> {
    this.flushing ??= this.writeFile().finally(() => {
      this.flushing = undefined;
      if (this.dirty && this.lease?.holds() && !this.debouncer.pending) this.debouncer.poke();
    });
    return this.flushing;
  }

  private async writeFile(): Promise<void> {
    if (!this.lease?.holds() || !this.hub.status().ready || !this.dirty) return;
    this.dirty = false;
    const snapshot = this.hub.snapshot();
    const file = mirrorFileOf(snapshot.revision, snapshot.pipes);
    const path = this.path!;
    try {
      if (this.written === undefined) {
        // Once, before the first write: the directory, and what a holder before this one wrote.
        await mkdir(this.settings.dir!, { recursive: true });
        this.written = await readFile(path, 'utf8').catch(() => null);
      }
      const changed = file.text !== this.written;
      if (changed) {
        await writeFileAtomic(path, file.text);
        this.written = file.text;
      }
      // Unchanged bytes (another holder wrote them, or only invalid entries moved): nothing for
      // WaveHouse to reload, but the summary follows the bucket.
      this.summary = {
        revision: snapshot.revision,
        writtenAt: changed || !this.summary ? new Date().toISOString() : this.summary.writtenAt,
        pipes: file.pipes,
        leftOut: file.leftOut.slice(0, SHOWN_LEFT_OUT),
        leftOutCount: file.leftOut.length,
        reload: this.summary?.reload ?? null,
      };
      if (changed && file.leftOut.length) {
        log.warn('mirror: invalid entries left out of pipes.json', {
          count: file.leftOut.length,
          keys: file.leftOut.slice(0, 10).map((l) => l.key),
        });
      }
      if (changed && this.settings.reloadUrl) await this.reload(snapshot.revision);
      this.errors.file = undefined;
      // Publish the new summary in the lease now rather than at the next renewal.
      void this.tick();
    } catch (err) {
      this.dirty = true;
      this.fail('file', `${path} could not be written`, err);
    }
  }

  private async reload(revision: number): Promise<void> {
    const result = await callReload(this.settings.reloadUrl!, this.settings.reloadToken, revision);
    this.summary = { ...this.summary!, reload: result };
    if (result.error || !result.adopted) {
      log.warn('mirror: WaveHouse did not adopt pipes.json', {
        revision,
        status: result.status,
        error: result.error,
        findings: result.findings.length,
      });
    }
  }

  private fail(part: 'lease' | 'file', what: string, err: unknown): void {
    const message = `${what}: ${errorMessage(err)}`;
    // Once per distinct failure, not on every tick of an outage.
    if (this.errors[part] !== message) log.warn(`mirror: ${what}`, { error: errorMessage(err) });
    this.errors[part] = message;
  }
}
