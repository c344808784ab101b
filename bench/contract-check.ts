/**
 * Micro-benchmark of the record contract: CPU per 1,000 conversation records checked by zod's
 * `safeParse` (what parseConversation did before) and by the check-only checker compiled from the
 * same schema (what it does now), on simulator records (bench/fixtures.ts), alternately.
 *
 *   npx tsx bench/contract-check.ts [--conversations 5000] [--rounds 5]
 *
 * CPU (user + system of this process), not wall time, so the figure holds on a busy machine.
 */
import { parseArgs } from 'node:util';
import { conversationContract } from '../src/genesys/schemas.ts';
import { benchPages } from './fixtures.ts';

const { values: args } = parseArgs({ options: { conversations: { type: 'string', default: '5000' }, rounds: { type: 'string', default: '5' } } });
const records = benchPages(Number(args.conversations)).flat();
const rounds = Number(args.rounds);

function cpuMsPer1000(accepts: (record: unknown) => boolean): number {
  const start = process.cpuUsage();
  for (const record of records) if (!accepts(record)) throw new Error('a simulator record was refused');
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / (records.length / 1000);
}

const figures = { zod: [] as number[], fast: [] as number[] };
cpuMsPer1000(conversationContract.zodAccepts); // warm-up: JIT, zod's generated parsers
cpuMsPer1000(conversationContract.fastAccepts);
for (let round = 0; round < rounds; round++) {
  figures.zod.push(cpuMsPer1000(conversationContract.zodAccepts));
  figures.fast.push(cpuMsPer1000(conversationContract.fastAccepts));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`${records.length} records, ${rounds} rounds, CPU ms per 1,000 records (median; all rounds):`);
for (const [name, xs] of Object.entries(figures)) console.log(`  ${name.padEnd(5)} ${median(xs).toFixed(1).padStart(7)}   (${xs.map((x) => x.toFixed(1)).join(', ')})`);
console.log(`  ratio ${(median(figures.zod) / median(figures.fast)).toFixed(1)}x`);
