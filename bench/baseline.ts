/**
 * The baseline the write path is measured against: what an ORM-first implementation does,
 * one Prisma `upsert` per conversation, then its children replaced through Prisma
 * (`deleteMany` + `createMany` per child table), one interactive transaction per page.
 * Same extraction, same rows, same end state as writeConversations (minus the unchanged-skip).
 */
import type { Db } from '../src/db/client.ts';
import { extractConversation, type ConversationRecord } from '../src/db/extract.ts';
import type { Prisma } from '../src/generated/prisma/client.ts';
import { forPrisma } from './prisma-rows.ts';

export async function writeConversationsPerRow(db: Db, records: readonly ConversationRecord[], syncedAt: Date): Promise<number> {
  const extracted = records.map((r) => extractConversation(r));
  await db.$transaction(async (tx) => {
    for (const e of extracted) {
      const { raw, ...columns } = forPrisma(e.conversation);
      const id = columns.conversationId;
      const data = { ...columns, raw: raw as Prisma.InputJsonValue, lastSyncedAt: syncedAt };
      await tx.conversation.upsert({
        where: { conversationId: id },
        create: { ...data, firstSyncedAt: syncedAt, lastChangedAt: syncedAt },
        update: data,
      });
      await tx.participant.deleteMany({ where: { conversationId: id } });
      await tx.session.deleteMany({ where: { conversationId: id } });
      await tx.segment.deleteMany({ where: { conversationId: id } });
      await tx.sessionMetric.deleteMany({ where: { conversationId: id } });
      const where = { conversationId: id };
      await tx.evaluation.deleteMany({ where });
      await tx.survey.deleteMany({ where });
      await tx.resolution.deleteMany({ where });
      await tx.flowOutcome.deleteMany({ where });
      await tx.mediaEndpointStat.deleteMany({ where });
      await tx.sessionProposedAgent.deleteMany({ where });
      await tx.sessionAgentGroup.deleteMany({ where });
      await tx.segmentScoredAgent.deleteMany({ where });
      await tx.segmentProperty.deleteMany({ where });
      // The extractor carries attributes as JSON text (for the set-based writer); the model's field is Json.
      await tx.participant.createMany({
        data: e.participants.map(({ attributesJson, ...p }) => ({ ...p, ...(attributesJson === null ? {} : { attributes: JSON.parse(attributesJson) as object }) })),
      });
      await tx.session.createMany({ data: e.sessions.map(forPrisma) });
      await tx.segment.createMany({ data: e.segments.map(forPrisma) });
      await tx.sessionMetric.createMany({ data: e.sessionMetrics });
      await tx.evaluation.createMany({ data: e.evaluations });
      await tx.survey.createMany({ data: e.surveys });
      await tx.resolution.createMany({ data: e.resolutions });
      await tx.flowOutcome.createMany({ data: e.flowOutcomes });
      await tx.mediaEndpointStat.createMany({ data: e.mediaEndpointStats.map(forPrisma) });
      await tx.sessionProposedAgent.createMany({ data: e.proposedAgents });
      await tx.sessionAgentGroup.createMany({ data: e.agentGroups });
      await tx.segmentScoredAgent.createMany({ data: e.scoredAgents });
      await tx.segmentProperty.createMany({ data: e.segmentProperties });
    }
  }, { maxWait: 60_000, timeout: 300_000 });
  return extracted.length;
}
