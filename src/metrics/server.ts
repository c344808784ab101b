/**
 * The worker's HTTP server (METRICS_PORT): GET /metrics (Prometheus text format), /healthz and
 * /readyz (plain text, 200 or 503). Nothing else; no request reaches the database except
 * /readyz's ping and the collect() of database-backed gauges.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from '../logger.ts';
import type { HealthAnswer } from './health.ts';

export interface MetricsServerOptions {
  port: number;
  /** Default: every interface (a container's port must be reachable from outside it). */
  host?: string;
  registry: Registry;
  live: () => HealthAnswer;
  ready: () => Promise<HealthAnswer>;
  logger: Logger;
}

export interface MetricsServer {
  /** The port bound (the one asked for, or the one the OS chose for 0). */
  readonly port: number;
  close(): Promise<void>;
}

export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const { registry, logger } = options;
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('method not allowed\n');
      return;
    }
    const text = (status: number, body: string) => res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end(`${body}\n`);
    const answer = (a: HealthAnswer) => text(a.ok ? 200 : 503, a.detail);
    switch (path) {
      case '/metrics':
        registry.metrics().then(
          (body) => res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' }).end(body),
          (error: unknown) => {
            logger.warn({ err: error }, 'collecting metrics failed');
            text(500, 'collecting metrics failed');
          },
        );
        return;
      case '/healthz':
        answer(options.live());
        return;
      case '/readyz':
        options.ready().then(answer, (error: unknown) => text(503, `readiness check failed: ${String(error)}`));
        return;
      default:
        text(404, 'not found: try /metrics, /healthz or /readyz');
    }
  });
  // A scraper that keeps its connection open must not hold up a shutdown.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => logger.error({ err: error }, 'metrics server error'));
  const port = (server.address() as AddressInfo).port;
  logger.info({ port }, `serving /metrics, /healthz and /readyz on port ${port}`);
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
