import 'server-only';
import type { NatsConnection } from '@nats-io/nats-core';

/**
 * Core NATS publish/subscribe for presence between the console instances of one bucket: each
 * instance publishes its own tabs' reports, every instance keeps them all. Nothing is stored;
 * what an instance stops sending expires. `M` is the message the presence module defines.
 */
export class PresenceChannel<M> {
  private readonly subject: string;

  constructor(
    private readonly connection: NatsConnection,
    bucket: string,
  ) {
    this.subject = `pipes-console.${bucket}.presence`;
  }

  publish(message: M): void {
    try {
      this.connection.publish(this.subject, JSON.stringify(message));
    } catch {
      // A closed connection: the others expire this instance's tabs.
    }
  }

  subscribe(onMessage: (message: M) => void): () => void {
    const sub = this.connection.subscribe(this.subject, {
      callback: (err, msg) => {
        if (err) return;
        try {
          onMessage(JSON.parse(msg.string()) as M);
        } catch {
          // Not one of ours: ignore.
        }
      },
    });
    return () => sub.unsubscribe();
  }
}
