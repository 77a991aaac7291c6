import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayUnique, IsArray, IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import {
  CHILD_TRIGGER_CONDITIONS,
  MISFIRE_POLICIES,
  RETRY_BACKOFFS,
  RETRYABLE_OUTCOMES,
  type ChildJobDto,
  type ChildTriggerCondition,
  type MisfireDto,
  type MisfirePolicy,
  type RetryBackoff,
  type RetryDto,
  type RetryableOutcome,
} from '@baton/protocol';

export const DAY_MS = 86_400_000;
export const MAX_CATCH_UP = 1000;
export const MAX_ATTEMPTS = 100;
export const MAX_CHILDREN = 50;

export class MisfireBody implements Partial<MisfireDto> {
  @ApiPropertyOptional({ enum: MISFIRE_POLICIES, description: 'SKIP records a SKIPPED run; FIRE_ONCE runs once now; CATCH_UP runs every missed fire (at most catchUpLimit). Default FIRE_ONCE.' })
  @IsOptional()
  @IsIn(MISFIRE_POLICIES, { message: `policy must be one of ${MISFIRE_POLICIES.join(', ')}` })
  policy?: MisfirePolicy;

  @ApiPropertyOptional({ description: 'A fire found later than this is a misfire (ms, default DEFAULT_MISFIRE_THRESHOLD_MS).' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(DAY_MS)
  thresholdMs?: number;

  @ApiPropertyOptional({ description: `CATCH_UP: the most missed fires to run, 1-${MAX_CATCH_UP} (default 10).` })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_CATCH_UP)
  catchUpLimit?: number;
}

export class RetryBody implements Partial<RetryDto> {
  @ApiPropertyOptional({ description: `Total attempts including the first, 1-${MAX_ATTEMPTS} (default 1 = no retry).` })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_ATTEMPTS)
  maxAttempts?: number;

  @ApiPropertyOptional({ enum: RETRY_BACKOFFS, description: 'FIXED waits delayMs each time; EXPONENTIAL doubles it each attempt up to maxDelayMs. Default EXPONENTIAL.' })
  @IsOptional()
  @IsIn(RETRY_BACKOFFS, { message: `backoff must be one of ${RETRY_BACKOFFS.join(', ')}` })
  backoff?: RetryBackoff;

  @ApiPropertyOptional({ description: 'First (or fixed) delay before a retry, ms (default 1000).' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(DAY_MS)
  delayMs?: number;

  @ApiPropertyOptional({ description: 'Upper bound of any delay, ms (default 300000).' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(7 * DAY_MS)
  maxDelayMs?: number;

  @ApiPropertyOptional({ description: 'Randomize each delay by up to this fraction, 0-1 (default 0.2).' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  jitter?: number;

  @ApiPropertyOptional({ enum: RETRYABLE_OUTCOMES, isArray: true, description: 'Which outcomes retry (default all three).' })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(RETRYABLE_OUTCOMES, { each: true, message: `retryOn entries must be among ${RETRYABLE_OUTCOMES.join(', ')}` })
  retryOn?: RetryableOutcome[];
}

export class ChildJobBody implements ChildJobDto {
  @ApiPropertyOptional({ description: 'The child job\'s id or key (`app:name`).', example: 'billing:send-receipt' })
  @IsString()
  @MaxLength(200)
  @Matches(/\S/, { message: 'job must name a job by id or app:name' })
  job: string;

  @ApiPropertyOptional({ enum: CHILD_TRIGGER_CONDITIONS, description: 'Start the child when the parent succeeds, fails, or always.' })
  @IsIn(CHILD_TRIGGER_CONDITIONS, { message: `on must be one of ${CHILD_TRIGGER_CONDITIONS.join(', ')}` })
  on: ChildTriggerCondition;
}
