import { Injectable } from '@nestjs/common';
import type { AppDto, AppWithTokenDto, Page } from '@baton/protocol';
import { Clock } from '../../common/clock.js';
import { decodeCursor, DEFAULT_PAGE_SIZE, toPage } from '../../common/http/pagination.js';
import { isId } from '../../common/http/id-params.js';
import { generateSecret } from '../../common/secrets.js';
import { AppConfig } from '../../config/app-config.js';
import type { AppEntity } from './app.entity.js';
import { toAppDto } from './app.mapper.js';
import { appHasJobs, appNameTaken, appNotFound, appVersionConflict } from './apps.errors.js';
import { AppsRepository } from './apps.repository.js';
import type { CreateAppBody, ListAppsQuery, RotateTokenBody, UpdateAppBody } from './dto/app.dto.js';
import { visibleAppIds, type AppScope } from '../auth/principal.js';

@Injectable()
export class AppsService {
  constructor(
    private readonly apps: AppsRepository,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async create(body: CreateAppBody): Promise<AppWithTokenDto> {
    const now = this.clock.now();
    const token = generateSecret('exe');
    const app = await this.apps.insert({
      name: body.name,
      description: body.description ?? '',
      tokenHash: token.hash,
      tokenPrefix: token.prefix,
      tokenRotatedAt: now,
      previousTokenHash: null,
      previousTokenExpiresAt: null,
      createdAt: now,
      updatedAt: now,
    });
    if (!app) throw appNameTaken(body.name);
    return { ...toAppDto(app), token: token.value };
  }

  async list(query: ListAppsQuery, scope: AppScope): Promise<Page<AppDto>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.apps.list(decodeCursor(query.cursor), limit + 1, visibleAppIds(scope));
    return toPage(rows, limit, toAppDto);
  }

  async get(ref: string): Promise<AppDto> {
    return toAppDto(await this.resolve(ref));
  }

  /** An app by id (digits) or by name. */
  async resolve(ref: string): Promise<AppEntity> {
    const app = isId(ref) ? await this.apps.findById(ref) : await this.apps.findByName(ref);
    if (!app) throw appNotFound(ref);
    return app;
  }

  /** App names by id, for rendering job keys. */
  async namesByIds(ids: string[]): Promise<Map<string, string>> {
    const apps = await this.apps.findByIds([...new Set(ids)]);
    return new Map(apps.map((a) => [a.id, a.name]));
  }

  async update(ref: string, body: UpdateAppBody): Promise<AppDto> {
    const app = await this.resolve(ref);
    const updated = await this.apps.updateDescription(app.id, body.description ?? app.description, body.version, this.clock.now());
    const current = await this.resolve(app.id);
    if (!updated) throw appVersionConflict(app.name, current.version);
    return toAppDto(current);
  }

  async rotateToken(ref: string, body: RotateTokenBody): Promise<AppWithTokenDto> {
    const app = await this.resolve(ref);
    const now = this.clock.now();
    const graceMs = body.graceMs ?? this.config.executorTokenGraceMs;
    const token = generateSecret('exe');
    const previousExpiresAt = graceMs > 0 ? new Date(now.getTime() + graceMs) : null;
    if (!(await this.apps.rotateToken(app.id, token, previousExpiresAt, now))) throw appNotFound(ref);
    return { ...toAppDto(await this.resolve(app.id)), token: token.value };
  }

  async delete(ref: string): Promise<void> {
    const app = await this.resolve(ref);
    const outcome = await this.apps.deleteIfNoJobs(app.id);
    if (outcome === 'has-jobs') throw appHasJobs(app.name);
    if (outcome === 'missing') throw appNotFound(ref);
  }
}
