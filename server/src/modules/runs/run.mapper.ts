import type { RunDto } from '@baton/protocol';
import type { RunEntity } from './run.entity.js';

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function toRunDto(run: RunEntity, jobKey: string | null): RunDto {
  return {
    id: run.id,
    jobId: run.jobId,
    jobKey,
    appId: run.appId,
    triggerType: run.triggerType,
    status: run.status,
    statusReason: run.statusReason,
    attempt: run.attempt,
    rootRunId: run.rootRunId,
    parentRunId: run.parentRunId,
    shard: { index: run.shardIndex, total: run.shardTotal },
    params: run.params === null ? null : (JSON.parse(run.params) as unknown),
    executorId: run.executorId,
    dispatchCount: run.dispatchCount,
    progress: run.progress,
    result: run.result === null ? null : (JSON.parse(run.result) as unknown),
    error: run.errorMessage === null ? null : { message: run.errorMessage, stack: run.errorStack, retryable: run.retryable },
    dead: run.dead,
    createdAt: run.createdAt.toISOString(),
    scheduledAt: run.scheduledAt.toISOString(),
    fireTime: iso(run.fireTime),
    dispatchedAt: iso(run.dispatchedAt),
    ackedAt: iso(run.ackedAt),
    startedAt: iso(run.startedAt),
    finishedAt: iso(run.finishedAt),
    leaseUntil: iso(run.leaseUntil),
    killRequestedAt: iso(run.killRequestedAt),
    plannedEpoch: run.plannedEpoch,
    updatedAt: run.updatedAt.toISOString(),
  };
}
