import { Column, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Column shorthands matching the conventions of sql/schema.sql, so entity and schema agree
 * (a test compares them).
 */

/** BIGINT UNSIGNED AUTO_INCREMENT; TypeORM reads it as a decimal string. */
export const IdColumn = () => PrimaryGeneratedColumn({ type: 'bigint', unsigned: true });

/** BIGINT UNSIGNED reference to another row's id (decimal string). */
export const RefColumn = (opts: { nullable?: boolean; primary?: boolean } = {}) =>
  opts.primary ? PrimaryColumn({ type: 'bigint', unsigned: true }) : Column({ type: 'bigint', unsigned: true, nullable: opts.nullable ?? false });

/** DATETIME(3) in UTC. */
export const TimeColumn = (opts: { nullable?: boolean; primary?: boolean } = {}) =>
  opts.primary ? PrimaryColumn({ type: 'datetime', precision: 3 }) : Column({ type: 'datetime', precision: 3, nullable: opts.nullable ?? false });

export const UIntColumn = (opts: { default?: number; nullable?: boolean } = {}) =>
  Column({ type: 'int', unsigned: true, default: opts.default, nullable: opts.nullable ?? false });

export const VarcharColumn = (length: number, opts: { nullable?: boolean; default?: string; binary?: boolean } = {}) =>
  Column({ type: 'varchar', length, nullable: opts.nullable ?? false, default: opts.default, collation: opts.binary ? 'utf8mb4_bin' : undefined });

export const HashColumn = (opts: { nullable?: boolean } = {}) => Column({ type: 'char', length: 64, nullable: opts.nullable ?? false });

/** TINYINT holding 0/1, read as a boolean. */
export const FlagColumn = (defaultValue: boolean) =>
  Column({ type: 'tinyint', default: defaultValue ? 1 : 0, transformer: { to: (v: boolean | undefined) => (v === undefined ? v : v ? 1 : 0), from: (v: number) => v === 1 } });
