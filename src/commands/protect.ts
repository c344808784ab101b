/**
 * `npm run protect [-- --batch-size N]`: applies PII_MODE and PII_ATTRIBUTES again to the
 * conversations and quarantined records already stored (streams/conversations/reapply.ts).
 * Exit 0 when everything stored now follows the mode, 1 when some conversation could not be
 * protected (listed) or a stop signal ended it early (130), 2 on bad flags. Wiring only.
 */
import { parseArgs } from 'node:util';
import type { Config } from '../config.ts';
import { EXIT } from '../exit-codes.ts';
import type { Logger } from '../logger.ts';
import { configuredPersonalData, openRuntime } from '../runtime.ts';
import { reapplyPersonalData } from '../streams/conversations/reapply.ts';
import { MAX_BATCH_CONVERSATIONS } from '../db/conversations.ts';
import { systemClock } from '../time.ts';
import { stopSignal } from './signals.ts';
import { UsageError } from './usage-error.ts';

function parseProtectArgs(argv: string[]): { batchSize: number | undefined } {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { 'batch-size': { type: 'string' } }, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const text = values['batch-size'];
  if (text === undefined) return { batchSize: undefined };
  const batchSize = Number(text);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_CONVERSATIONS) {
    throw new UsageError(`--batch-size: must be an integer from 1 to ${MAX_BATCH_CONVERSATIONS} (got "${text}")`);
  }
  return { batchSize };
}

export async function protectCommand(argv: string[], config: Config, logger: Logger): Promise<number> {
  const { batchSize } = parseProtectArgs(argv);
  const policy = configuredPersonalData(config);
  const runtime = await openRuntime(config, logger);
  const stop = stopSignal(logger);
  try {
    logger.info({ mode: policy.mode, attributes: policy.attributes }, `applying PII_MODE=${policy.mode} PII_ATTRIBUTES=${policy.attributes} to the stored rows`);
    const report = await reapplyPersonalData(runtime.database.prisma, policy, { now: systemClock, signal: stop.signal, ...(batchSize ? { batchSize } : {}) });
    const { conversationsRefused: refused, ...counts } = report;
    logger.info({ ...counts, refused: refused.length }, `${report.conversationsRewritten} of ${report.conversationsRead} conversations and ${report.rejectsRewritten} of ${report.rejectsRead} quarantined records rewritten`);
    if (!report.complete) return EXIT.INTERRUPTED;
    if (refused.length > 0) {
      logger.error({ conversationIds: refused.slice(0, 20) }, `${refused.length} conversation(s) left as stored: protected, they would fail the record contract`);
      return EXIT.FAILED;
    }
    return EXIT.OK;
  } finally {
    stop.dispose();
    await runtime.close();
  }
}
