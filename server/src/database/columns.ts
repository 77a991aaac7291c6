import { Column, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { PrimaryGeneratedColumnNumericOptions } from 'typeorm/decorator/options/PrimaryGeneratedColumnNumericOptions.js';

/**
 * Column shorthands matching the conventions of sql/schema.sql, so entity and schema agree
 * (a test compares them).
 */

/**
 * 64-bit integers are decimal strings in the code. mysql2 reads them so (bigNumberStrings);
 * better-sqlite3 reads numbers, which this turns into strings.
 */
export const bigintAsString = { to: (v: unknown) => v, from: (v: unknown) => (v === null || v === undefined ? v : String(v)) };

/** BIGINT UNSIGNED AUTO_INCREMENT; read as a decimal string. */
// (PrimaryGeneratedColumn's options type omits `transformer`, which TypeORM applies all the same.)
export const IdColumn = () => PrimaryGeneratedColumn({ type: 'bigint', unsigned: true, transformer: bigintAsString } as PrimaryGeneratedColumnNumericOptions);

/** BIGINT UNSIGNED reference to another row's id (decimal string). */
export const RefColumn = (opts: { nullable?: boolean; primary?: boolean } = {}) =>
  opts.primary
    ? PrimaryColumn({ type: 'bigint', unsigned: true, transformer: bigintAsString })
    : Column({ type: 'bigint', unsigned: true, nullable: opts.nullable ?? false, transformer: bigintAsString });

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
