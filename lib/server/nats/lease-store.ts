import 'server-only';
import { jetstream } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsLink } from './connection';
import { guard } from './errors';

/** The KV bucket holding the console's leases: kept apart from the pipes, which WaveHouse reads. */
export const LEASES_BUCKET = 'PIPES_CONSOLE_LEASES';

const TIMEOUT_MS = 3_000;

/** One key of the leases bucket, as its revision and text. */
export type LeaseRecord = { revision: number; value: string };

/** One key of the leases bucket, every call compare-and-set (a lost race is RevisionMismatchError). */
export class LeaseStore {
  private constructor(
    private readonly kv: KV,
    private readonly key: string,
  ) {}

  /** Opens the leases bucket (created when missing, with the pipes bucket's replicas) at `key`. */
  static async open(link: NatsLink, key: string, replicas: number): Promise<LeaseStore> {
    const js = jetstream(link.connection, { timeout: TIMEOUT_MS });
    const kv = await guard(() => new Kvm(js).create(LEASES_BUCKET, { history: 1, replicas }));
    return new LeaseStore(kv, key);
  }

  async read(): Promise<LeaseRecord | null> {
    const entry = await guard(() => this.kv.get(this.key));
    return entry && entry.operation === 'PUT' ? { revision: entry.revision, value: entry.string() } : null;
  }

  create(value: string): Promise<number> {
    return guard(() => this.kv.create(this.key, value));
  }

  update(value: string, revision: number): Promise<number> {
    return guard(() => this.kv.update(this.key, value, revision, TIMEOUT_MS));
  }

  remove(revision: number): Promise<void> {
    return guard(() => this.kv.delete(this.key, { previousSeq: revision }));
  }
}
