import 'server-only';
import { readFileSync } from 'node:fs';
import { connect, credsAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import { LinkState } from '@/lib/live/protocol';
import type { Config } from '@/lib/server/config';

export type NatsLink = {
  connection: NatsConnection;
  state(): LinkState;
  close(): Promise<void>;
};

/**
 * Opens the process's one NATS connection. It reconnects forever (the default gives up after
 * ~20 s, and a watch then just ends) and reports every change of state to `onState`;
 * `reconnected` fires after each reconnect so the watch can resume at once.
 */
export async function openNatsLink(
  options: Config['nats'],
  onState: (state: LinkState, event: 'reconnected' | 'changed') => void,
): Promise<NatsLink> {
  const connection = await connect({
    servers: options.servers,
    name: 'pipes-console',
    maxReconnectAttempts: -1,
    waitOnFirstConnect: true,
    reconnectTimeWait: 250,
    reconnectJitter: 100,
    pingInterval: 10_000,
    // Every request (each KV write, each archive publish) would otherwise build an Error up front
    // for its async stack trace: several percent of the console's CPU under a flood of writes.
    noAsyncTraces: true,
    user: options.user,
    pass: options.password,
    token: options.token,
    authenticator: options.creds ? credsAuthenticator(readFileSync(options.creds)) : undefined,
  });
  let state: LinkState = LinkState.connected;
  const set = (next: LinkState, event: 'reconnected' | 'changed' = 'changed') => {
    const changed = next !== state;
    state = next;
    if (changed || event === 'reconnected') onState(next, event);
  };
  void (async () => {
    for await (const s of connection.status()) {
      if (s.type === 'disconnect' || s.type === 'reconnecting') set(LinkState.reconnecting);
      else if (s.type === 'reconnect') set(LinkState.connected, 'reconnected');
      else if (s.type === 'close') set(LinkState.disconnected);
    }
  })();
  void connection.closed().then(() => set(LinkState.disconnected));
  return {
    connection,
    state: () => state,
    close: () => connection.drain().catch(() => connection.close()),
  };
}
