import 'server-only';
import type { NatsConnection } from '@nats-io/nats-core';

/** What instances tell each other of a console write: it is about to happen, or it is over (with its revision when it succeeded and one is known). */
export type IntentMessage<I> = { type: 'intent'; intent: I } | { type: 'done'; key: string; id: string; revision?: number };

/**
 * Core NATS publish/subscribe between the console instances of one bucket: an intent goes out
 * before the write reaches KV, on the same connection, so another instance has it before its
 * watch sees the change. Nothing is stored; an instance that misses one labels the change
 * "external" and the archive keeps the writer's own record.
 */
export class IntentChannel<I> {
  private readonly subject: string;

  constructor(
    private readonly connection: NatsConnection,
    bucket: string,
  ) {
    this.subject = `pipes-console.${bucket}.writes`;
  }

  publish(message: IntentMessage<I>): void {
    try {
      this.connection.publish(this.subject, JSON.stringify(message));
    } catch {
      // A closed connection: the write fails too, and nobody needs the intent.
    }
  }

  subscribe(onMessage: (message: IntentMessage<I>) => void): () => void {
    const sub = this.connection.subscribe(this.subject, {
      callback: (err, msg) => {
        if (err) return;
        try {
          onMessage(JSON.parse(msg.string()) as IntentMessage<I>);
        } catch {
          // Not one of ours: ignore.
        }
      },
    });
    return () => sub.unsubscribe();
  }
}
