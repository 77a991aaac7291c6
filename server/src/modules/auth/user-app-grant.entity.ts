import { Entity, Index } from 'typeorm';
import { RefColumn } from '../../database/columns.js';

@Entity('user_app_grants')
@Index('idx_user_app_grants_app', ['appId'])
export class UserAppGrantEntity {
  @RefColumn({ primary: true }) userId: string;
  @RefColumn({ primary: true }) appId: string;
}
