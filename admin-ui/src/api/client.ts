import type {
  AlertChannelDto,
  AlertChannelTestResult,
  AlertDto,
  AlertKind,
  AlertStatus,
  ApiKeyDto,
  ApiKeyWithSecretDto,
  AppDto,
  AppWithTokenDto,
  AuditEntryDto,
  AuthStateDto,
  ChangePasswordRequest,
  ClusterDto,
  CopyJobRequest,
  CreateAlertChannelRequest,
  CreateApiKeyRequest,
  CreateAppRequest,
  CreateJobRequest,
  CreateUserRequest,
  ExecutorInstanceDto,
  JobAlertRoutingDto,
  JobDto,
  ListAuditQuery,
  LoginRequest,
  Page,
  PutJobAlertRoutingRequest,
  RunDto,
  RunLogPage,
  RunStatus,
  ScheduleType,
  SchedulePreviewRequest,
  SchedulePreviewResponse,
  SessionDto,
  SetupRequest,
  StatsQuery,
  StatsResponse,
  TriggerRequest,
  TriggerType,
  UpdateAlertChannelRequest,
  UpdateJobRequest,
  UpdateUserRequest,
  UserDto,
} from '@baton/protocol';
import { Http, type HttpOptions, type Query } from './http';

export interface PageQuery {
  limit?: number;
  cursor?: string;
}
export interface ListJobsQuery extends PageQuery {
  app?: string;
  enabled?: 'true' | 'false';
  scheduleType?: ScheduleType;
  q?: string;
}
export interface ListRunsQuery extends PageQuery {
  app?: string;
  job?: string;
  status?: RunStatus;
  triggerType?: TriggerType;
  dead?: 'true' | 'false';
  /** ISO 8601: runs scheduled in [from, to). */
  from?: string;
  to?: string;
}
export interface ListAlertsQuery extends PageQuery {
  job?: string;
  channel?: string;
  status?: AlertStatus;
  kind?: AlertKind;
}
export interface BulkRetryResult {
  retried: RunDto[];
  skipped: Array<{ runId: string; reason: string }>;
}

const enc = encodeURIComponent;
const q = (query: object | undefined) => query as Query | undefined;

/** The console's only way to the server: every REST call, typed with the protocol's DTOs. */
export function createApiClient(opts: HttpOptions) {
  const http = new Http(opts);
  const get = <T>(path: string, query?: object) => http.request<T>('GET', path, { query: q(query) });
  const post = <T>(path: string, body?: unknown) => http.request<T>('POST', path, { body: body ?? {} });
  const patch = <T>(path: string, body: unknown) => http.request<T>('PATCH', path, { body });

  const del = (path: string) => http.request<void>('DELETE', path);

  return {
    auth: {
      state: () => get<AuthStateDto>('/auth/state'),
      setup: (body: SetupRequest) => post<SessionDto>('/auth/setup', body),
      login: (body: LoginRequest) => post<SessionDto>('/auth/login', body),
      logout: () => post<void>('/auth/logout'),
      changePassword: (body: ChangePasswordRequest) => post<void>('/auth/password', body),
    },
    apps: {
      list: (query?: PageQuery) => get<Page<AppDto>>('/apps', query),
      get: (app: string) => get<AppDto>(`/apps/${enc(app)}`),
      create: (body: CreateAppRequest) => post<AppWithTokenDto>('/apps', body),
      delete: (app: string) => del(`/apps/${enc(app)}`),
      rotateToken: (app: string, graceMs?: number) => post<AppWithTokenDto>(`/apps/${enc(app)}/rotate-token`, graceMs === undefined ? {} : { graceMs }),
    },
    jobs: {
      list: (query?: ListJobsQuery) => get<Page<JobDto>>('/jobs', query),
      get: (job: string) => get<JobDto>(`/jobs/${enc(job)}`),
      create: (body: CreateJobRequest) => post<JobDto>('/jobs', body),
      update: (job: string, body: UpdateJobRequest) => patch<JobDto>(`/jobs/${enc(job)}`, body),
      delete: (job: string) => del(`/jobs/${enc(job)}`),
      enable: (job: string) => post<JobDto>(`/jobs/${enc(job)}/enable`),
      disable: (job: string) => post<JobDto>(`/jobs/${enc(job)}/disable`),
      copy: (job: string, body: CopyJobRequest) => post<JobDto>(`/jobs/${enc(job)}/copy`, body),
      nextFireTimes: (job: string, count = 5) => get<SchedulePreviewResponse>(`/jobs/${enc(job)}/next-fire-times`, { count }),
      trigger: (job: string, body: TriggerRequest) => post<RunDto>(`/jobs/${enc(job)}/trigger`, body),
      alertRouting: (job: string) => get<JobAlertRoutingDto>(`/jobs/${enc(job)}/alerts`),
      putAlertRouting: (job: string, body: PutJobAlertRoutingRequest) => http.request<JobAlertRoutingDto>('PUT', `/jobs/${enc(job)}/alerts`, { body }),
    },
    schedules: {
      preview: (body: SchedulePreviewRequest) => post<SchedulePreviewResponse>('/schedules/preview', body),
    },
    runs: {
      list: (query?: ListRunsQuery) => get<Page<RunDto>>('/runs', query),
      get: (id: string) => get<RunDto>(`/runs/${enc(id)}`),
      logs: (id: string, after = 0, limit = 500) => get<RunLogPage>(`/runs/${enc(id)}/logs`, { after, limit }),
      children: (id: string, query?: PageQuery) => get<Page<RunDto>>(`/runs/${enc(id)}/children`, query),
      kill: (id: string) => post<RunDto>(`/runs/${enc(id)}/kill`),
      cancel: (id: string) => post<RunDto>(`/runs/${enc(id)}/cancel`),
      retry: (id: string) => post<RunDto>(`/runs/${enc(id)}/retry`),
      retryMany: (body: { ids: string[] } | { job?: string; app?: string }) => post<BulkRetryResult>('/runs/retry', body),
    },
    executors: {
      list: (app?: string) => get<ExecutorInstanceDto[]>('/executors', { app }),
      drain: (instanceId: string) => post<unknown>(`/executors/${enc(instanceId)}/drain`),
    },
    cluster: {
      get: () => get<ClusterDto>('/cluster'),
    },
    stats: {
      get: (query?: StatsQuery) => get<StatsResponse>('/stats', query),
    },
    alerts: {
      list: (query?: ListAlertsQuery) => get<Page<AlertDto>>('/alerts', query),
      channels: (query?: PageQuery) => get<Page<AlertChannelDto>>('/alert-channels', query),
      createChannel: (body: CreateAlertChannelRequest) => post<AlertChannelDto>('/alert-channels', body),
      updateChannel: (channel: string, body: UpdateAlertChannelRequest) => patch<AlertChannelDto>(`/alert-channels/${enc(channel)}`, body),
      deleteChannel: (channel: string) => del(`/alert-channels/${enc(channel)}`),
      testChannel: (channel: string) => post<AlertChannelTestResult>(`/alert-channels/${enc(channel)}/test`),
    },
    users: {
      list: (query?: PageQuery) => get<Page<UserDto>>('/users', query),
      create: (body: CreateUserRequest) => post<UserDto>('/users', body),
      update: (id: string, body: UpdateUserRequest) => patch<UserDto>(`/users/${enc(id)}`, body),
      delete: (id: string) => del(`/users/${enc(id)}`),
      resetPassword: (id: string, password: string) => post<void>(`/users/${enc(id)}/password`, { password }),
    },
    apiKeys: {
      list: (query?: PageQuery) => get<Page<ApiKeyDto>>('/api-keys', query),
      create: (body: CreateApiKeyRequest) => post<ApiKeyWithSecretDto>('/api-keys', body),
      revoke: (id: string) => del(`/api-keys/${enc(id)}`),
    },
    audit: {
      list: (query?: ListAuditQuery) => get<Page<AuditEntryDto>>('/audit', query),
    },

  };
}

export type ApiClient = ReturnType<typeof createApiClient>;

/** The browser's client: same origin, CSRF from document.cookie, 401 → login page. */
export const api = createApiClient({
  baseUrl: '/api/v1',
  cookies: () => (typeof document === 'undefined' ? '' : document.cookie),
  onUnauthenticated: () => window.dispatchEvent(new Event('baton:unauthenticated')),
});
