/**
 * A TCP proxy in front of Postgres that a test can "restart": `outage(ms)` drops every open
 * connection and refuses new ones for a while, which is what a client sees when the server
 * restarts. Safer than restarting the shared server, which other test files use in parallel.
 */
import net from 'node:net';

export interface TcpProxy {
  port: number;
  /** Drops all connections now and refuses new ones until `ms` have passed. */
  outage(ms: number): void;
  /**
   * Open connections go silent: nothing more is forwarded either way and nothing is closed,
   * as with a peer that vanished without a FIN (power loss, a partition). New ones work.
   */
  freeze(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  const pairs: Array<[net.Socket, net.Socket]> = [];
  let downUntil = 0;
  const server = net.createServer((client) => {
    if (Date.now() < downUntil) {
      client.destroy();
      return;
    }
    const upstream = net.connect(target);
    pairs.push([client, upstream]);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    outage(ms) {
      downUntil = Date.now() + ms;
      for (const s of sockets) s.destroy();
    },
    freeze() {
      for (const [client, upstream] of pairs.splice(0)) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
