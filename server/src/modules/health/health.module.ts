import { Module } from '@nestjs/common';
import { SchedulerModule } from '../scheduler/scheduler.module.js';
import { HealthController } from './health.controller.js';
import { ReadinessService } from './readiness.service.js';

@Module({ imports: [SchedulerModule], controllers: [HealthController], providers: [ReadinessService] })
export class HealthModule {}
