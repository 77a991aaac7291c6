import { Entity, Index } from 'typeorm';
import { RefColumn } from '../../database/columns.js';

@Entity('api_key_apps')
@Index('idx_api_key_apps_app', ['appId'])
export class ApiKeyAppEntity {
  @RefColumn({ primary: true }) apiKeyId: string;
  @RefColumn({ primary: true }) appId: string;
}
