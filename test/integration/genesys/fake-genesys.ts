import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * A tiny purpose-built Genesys stand-in for client tests: real HTTP, real OAuth checks, and a
 * queue of scripted replies so each test states exactly what the server does. Everything it
 * sees is recorded on the server side (arrival times, in-flight peak).
 *
 * Times (arrivals, replies, reply delays, token expiry) come from the server's clock: real time
 * by default, or the test's virtual clock after `useClock`, so timing tests can read exactly when
 * the server saw each request on the same timeline the client's gate runs on.
 */
interface ServerClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: ServerClock = { now: () => Date.now(), sleep: (ms) => delay(ms) };

interface SeenRequest {
  readonly kind: 'token' | 'api';
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: string;
  readonly authorization: string | undefined;
  readonly arrivedAtMs: number;
  status?: number | 'drop';
  repliedAtMs?: number;
}

export type Reply =
  | { readonly status: number; readonly json?: unknown; readonly text?: string; readonly headers?: Record<string, string>; readonly delayMs?: number }
  | { readonly drop: true; readonly delayMs?: number };

type ApiHandler = (request: SeenRequest) => Reply | Promise<Reply>;

export interface FakeGenesys {
  readonly url: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly seen: SeenRequest[];
  readonly tokensIssued: string[];
  readonly peakInFlight: number;
  tokenLifetimeSeconds: number;
  tokenDelayMs: number;
  /** Handles authenticated API calls once the queue is empty. */
  api: ApiHandler;
  /** Replies used, in order, before `api` for authenticated API calls. */
  queueApi(...replies: Reply[]): void;
  /** Replies used, in order, for token requests with good credentials. */
  queueToken(...replies: Reply[]): void;
  /** Makes every token issued so far invalid (the next API call with one gets 401). */
  revokeTokens(): void;
  apiRequests(): SeenRequest[];
  /** Reads time from `clock` from now on (e.g. the VirtualClock the client under test uses). */
  useClock(clock: ServerClock): void;
  close(): Promise<void>;
}

export async function startFakeGenesys(): Promise<FakeGenesys> {
  const clientId = 'client-id-1234';
  const clientSecret = `secret-${randomBytes(12).toString('hex')}`;
  const valid = new Map<string, number>(); // token → expiry epoch ms
  const apiQueue: Reply[] = [];
  const tokenQueue: Reply[] = [];
  let inFlight = 0;
  let clock = realClock;

  const state = {
    seen: [] as SeenRequest[],
    tokensIssued: [] as string[],
    peakInFlight: 0,
    tokenLifetimeSeconds: 3600,
    tokenDelayMs: 0,
    api: (() => ({ status: 404, json: { message: 'no handler', code: 'not.found', status: 404 } })) as ApiHandler,
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://fake');
    const seen: SeenRequest = {
      kind: url.pathname === '/oauth/token' ? 'token' : 'api',
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      body: Buffer.concat(chunks).toString('utf8'),
      authorization: req.headers.authorization,
      arrivedAtMs: clock.now(),
    };
    state.seen.push(seen);
    const reply = seen.kind === 'token' ? tokenReply(seen) : await apiReply(seen);
    if (reply.delayMs) await clock.sleep(reply.delayMs);
    seen.repliedAtMs = clock.now();
    if ('drop' in reply) {
      seen.status = 'drop';
      req.socket.destroy();
      return;
    }
    seen.status = reply.status;
    const body = reply.json === undefined ? (reply.text ?? '') : JSON.stringify(reply.json);
    res.writeHead(reply.status, { 'content-type': reply.json === undefined ? 'text/plain' : 'application/json', ...reply.headers });
    res.end(body);
  }

  function tokenReply(seen: SeenRequest): Reply {
    const expected = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
    if (seen.authorization !== expected || seen.body !== 'grant_type=client_credentials') {
      return { status: 401, json: { error: 'invalid_client', description: 'client not found', error_description: 'client not found' } };
    }
    const queued = tokenQueue.shift();
    if (queued) return queued;
    const token = `tok-${state.tokensIssued.length + 1}-${randomBytes(8).toString('hex')}`;
    state.tokensIssued.push(token);
    valid.set(token, clock.now() + state.tokenLifetimeSeconds * 1000);
    return { status: 200, json: { access_token: token, token_type: 'bearer', expires_in: state.tokenLifetimeSeconds }, delayMs: state.tokenDelayMs };
  }

  async function apiReply(seen: SeenRequest): Promise<Reply> {
    const token = seen.authorization?.replace(/^Bearer /, '') ?? '';
    const expiresAt = valid.get(token);
    if (expiresAt === undefined || expiresAt <= clock.now()) {
      return { status: 401, json: { message: 'Authentication required', code: 'authentication.required', status: 401, contextId: 'ctx-401' } };
    }
    return apiQueue.shift() ?? (await state.api(seen));
  }

  const server = createServer((req, res) => {
    inFlight++;
    state.peakInFlight = Math.max(state.peakInFlight, inFlight);
    let done = false;
    const finish = () => {
      if (!done) inFlight--;
      done = true;
    };
    res.on('close', finish);
    handle(req, res).catch((error: unknown) => {
      res.writeHead(500).end(String(error));
    });
  });
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    clientId,
    clientSecret,
    get seen() {
      return state.seen;
    },
    get tokensIssued() {
      return state.tokensIssued;
    },
    get peakInFlight() {
      return state.peakInFlight;
    },
    get tokenLifetimeSeconds() {
      return state.tokenLifetimeSeconds;
    },
    set tokenLifetimeSeconds(value: number) {
      state.tokenLifetimeSeconds = value;
    },
    get tokenDelayMs() {
      return state.tokenDelayMs;
    },
    set tokenDelayMs(value: number) {
      state.tokenDelayMs = value;
    },
    get api() {
      return state.api;
    },
    set api(handler: ApiHandler) {
      state.api = handler;
    },
    queueApi: (...replies) => void apiQueue.push(...replies),
    queueToken: (...replies) => void tokenQueue.push(...replies),
    revokeTokens: () => valid.clear(),
    apiRequests: () => state.seen.filter((s) => s.kind === 'api'),
    useClock: (next) => {
      clock = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
