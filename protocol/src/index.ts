export * from './enums.js';
export * from './errors.js';
export * from './api/common.js';
export * from './api/apps.js';
export * from './api/jobs.js';
export * from './api/schedules.js';
export * from './api/cluster.js';
