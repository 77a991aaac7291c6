import { Module } from '@nestjs/common';
import { ExecutorsModule } from '../executors/executors.module.js';
import { RunsModule } from '../runs/runs.module.js';
import { DispatchRepository } from './dispatch.repository.js';
import { Dispatcher } from './dispatcher.js';
import { Recoverer } from './recoverer.js';
import { RecoveryRepository } from './recovery.repository.js';
import { InMemoryRoutingMemory } from './routing/routing-memory.js';
import { WaitingRunsMetric } from './waiting-runs.metric.js';

@Module({
  imports: [RunsModule, ExecutorsModule],
  providers: [DispatchRepository, RecoveryRepository, Dispatcher, Recoverer, WaitingRunsMetric, { provide: InMemoryRoutingMemory, useFactory: () => new InMemoryRoutingMemory() }],
  exports: [Dispatcher, Recoverer],
})
export class DispatchModule {}
