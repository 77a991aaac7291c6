import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsDefined, IsString, Matches, MaxLength, ValidateBy, ValidateIf, type ValidationArguments } from 'class-validator';
import type { RunDto } from '@baton/protocol';

/** Most runs one bulk retry takes (by ids, or matching a filter). */
export const MAX_BULK_RETRY = 1_000;

const hasFilter = (o: BulkRetryBody) => o.job !== undefined || o.app !== undefined;

/** `ids` and a filter exclude each other; the property carrying this is refused next to `other`. */
function AbsentWith(other: keyof BulkRetryBody) {
  return ValidateBy({
    name: 'absentWith',
    validator: {
      validate: (_value: unknown, args?: ValidationArguments) => (args?.object as BulkRetryBody)[other] === undefined,
      defaultMessage: (args?: ValidationArguments) => `${args?.property} cannot be combined with ${String(other)}; send either ids or a filter`,
    },
  });
}

/**
 * Either `ids`, or a filter (`job` and/or `app`): exactly one of the two. The checks on `ids`
 * also run when neither is sent, so that case gets its own message.
 */
export class BulkRetryBody {
  @ApiPropertyOptional({ type: [String], description: `Retry these runs (1-${MAX_BULK_RETRY} run ids). Only dead runs are retried; the others are listed as skipped, with the reason.` })
  @ValidateIf((o: BulkRetryBody) => o.ids !== undefined || !hasFilter(o))
  @IsDefined({ message: 'send ids (run ids), or a filter (job and/or app)' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BULK_RETRY)
  @IsString({ each: true })
  @Matches(/^[1-9]\d{0,19}$/, { each: true, message: 'each id must be a run id (a positive whole number, as a string)' })
  ids?: string[];

  @ApiPropertyOptional({ description: `Retry the dead runs of this job (id or app:name), up to ${MAX_BULK_RETRY}, oldest first.` })
  @ValidateIf((o: BulkRetryBody) => o.job !== undefined)
  @IsString()
  @MaxLength(200)
  @AbsentWith('ids')
  job?: string;

  @ApiPropertyOptional({ description: `Retry the dead runs of this app (name or id), up to ${MAX_BULK_RETRY}, oldest first. With job: the runs of that job in that app.` })
  @ValidateIf((o: BulkRetryBody) => o.app !== undefined)
  @IsString()
  @MaxLength(64)
  @AbsentWith('ids')
  app?: string;
}

export interface SkippedRetry {
  runId: string;
  reason: string;
}

export interface BulkRetryResult {
  /** The new attempts, in the order of the runs they retry. */
  retried: RunDto[];
  skipped: SkippedRetry[];
}
