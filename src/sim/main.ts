import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { startSimulator, type Simulator } from './index.ts';
import { SIM_REFERENCE_LISTS } from './reference-lists.ts';

export interface SimulatorCliIo {
  write: (text: string) => void;
  /** Stops the simulator when aborted; defaults to SIGINT/SIGTERM. */
  signal?: AbortSignal;
  /** Called once the simulator listens (tests use it to reach the instance). */
  onStarted?: (sim: Simulator) => void;
}

const USAGE = `Usage: simulator [--port N] [--host H] [--seed N] [--agents N] [--days N] [--per-day N]
                 [--latency-ms N] [--rate-limit-per-minute N] [--client-id S] [--client-secret S]
                 [--no-explicit-nulls]     never send absent optional fields as explicit nulls
                 [--forbid-list LIST]...   answer 403 for a reference list (${Object.keys(SIM_REFERENCE_LISTS).join(', ')})`;

function int(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new Error(`--${name} must be a non-negative integer, got '${value}'\n${USAGE}`);
  return Number(value);
}

function untilStopped(signal: AbortSignal | undefined): Promise<void> {
  if (signal) return signal.aborted ? Promise.resolve() : new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/**
 * `simulator` CLI: starts a simulator from flags, prints the env vars that point the tool
 * at it, and runs until SIGINT (or `io.signal` aborts).
 */
export async function runSimulatorCli(argv: readonly string[], io: SimulatorCliIo = { write: (t) => process.stdout.write(t) }): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: 'string' }, host: { type: 'string' }, seed: { type: 'string' }, agents: { type: 'string' },
      days: { type: 'string' }, 'per-day': { type: 'string' }, 'latency-ms': { type: 'string' },
      'rate-limit-per-minute': { type: 'string' }, 'client-id': { type: 'string' }, 'client-secret': { type: 'string' },
      'forbid-list': { type: 'string', multiple: true }, 'no-explicit-nulls': { type: 'boolean' }, help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    io.write(`${USAGE}\n`);
    return;
  }
  const agentCount = int(values.agents, 'agents');
  const days = int(values.days, 'days');
  const conversationsPerDay = int(values['per-day'], 'per-day');
  const latencyMs = int(values['latency-ms'], 'latency-ms');
  const rateLimitPerMinute = int(values['rate-limit-per-minute'], 'rate-limit-per-minute');
  const forbiddenLists = values['forbid-list'] ?? [];
  for (const list of forbiddenLists) {
    if (!(list in SIM_REFERENCE_LISTS)) throw new Error(`--forbid-list: unknown list '${list}'\n${USAGE}`);
  }
  const sim = await startSimulator({
    port: int(values.port, 'port') ?? 0,
    ...(values.host !== undefined ? { host: values.host } : {}),
    seed: int(values.seed, 'seed') ?? 1,
    org: {
      ...(agentCount !== undefined ? { agentCount } : {}),
      ...(days !== undefined ? { days } : {}),
      ...(conversationsPerDay !== undefined ? { conversationsPerDay } : {}),
      ...(values['no-explicit-nulls'] ? { explicitNulls: false } : {}),
    },
    ...(latencyMs !== undefined ? { latencyMs } : {}),
    ...(rateLimitPerMinute !== undefined ? { rateLimitPerMinute } : {}),
    ...(values['client-id'] !== undefined ? { clientId: values['client-id'] } : {}),
    ...(values['client-secret'] !== undefined ? { clientSecret: values['client-secret'] } : {}),
    ...(forbiddenLists.length > 0 ? { faults: { forbiddenLists } } : {}),
  });
  io.onStarted?.(sim);
  io.write([
    `Genesys simulator listening on ${sim.url}`,
    `  conversations from ${sim.range.start.toISOString()} to ${sim.range.end.toISOString()}, ${sim.org.agents.length} agents`,
    'Point the tool at it with:',
    `GENESYS_API_URL=${sim.url} GENESYS_LOGIN_URL=${sim.url} GENESYS_CLIENT_ID=${sim.clientId} GENESYS_CLIENT_SECRET=${sim.clientSecret}`,
    'Press Ctrl+C to stop.',
    '',
  ].join('\n'));
  await untilStopped(io.signal);
  await sim.close();
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  runSimulatorCli(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
