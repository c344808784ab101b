/**
 * The embedded default database: PGlite (Postgres compiled to WASM, data in a local folder)
 * served over the Postgres wire protocol on a loopback port, so Prisma, the pg driver, the
 * migration engine and psql all use it unchanged. Meant for trying the tool out, not for
 * production. When another process of ours already serves the folder (a demo still running),
 * we connect to it instead of opening the same files twice.
 */
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedDatabase {
  url: string;
  /** True when this process started the server (and must stop it). */
  owned: boolean;
  stop(): Promise<void>;
}

/**
 * Connections to open to the embedded database. PGlite is one Postgres session behind a
 * socket server that interleaves the protocol messages of its connections one by one: a
 * parameterised query of one connection (Parse, Bind, Execute) can have another connection's
 * Parse land in between, which replaces the session's unnamed statement ("unnamed prepared
 * statement does not exist"). One connection keeps each query's messages together.
 */
export const EMBEDDED_POOL_SIZE = 1;

function embeddedUrl(port: number): string {
  return `postgresql://postgres@127.0.0.1:${port}/postgres?sslmode=disable`;
}

function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startEmbeddedDatabase(options: { dir: string; port: number }): Promise<EmbeddedDatabase> {
  const url = embeddedUrl(options.port);
  if (await isListening(options.port)) return { url, owned: false, stop: async () => {} };
  const dir = path.resolve(options.dir);
  await mkdir(dir, { recursive: true });
  const db = await PGlite.create({ dataDir: dir });
  const server = new PGLiteSocketServer({ db, port: options.port, host: '127.0.0.1', maxConnections: 32 });
  try {
    await server.start();
  } catch (error) {
    await db.close();
    throw new Error(`cannot serve the embedded database on 127.0.0.1:${options.port} (EMBEDDED_DB_PORT): ${(error as Error).message}`);
  }
  return {
    url,
    owned: true,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
