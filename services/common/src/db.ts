import type { z } from 'zod';
import pg from 'pg';

export type TDb = pg.Pool;
export type TDbClient = pg.PoolClient;
/** Either the pool or a client inside a transaction: repositories take this. */
export type TQueryable = Pick<pg.Pool, 'query'>;

// bigint columns (event seqs) stay well within 2^53; read them as numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export const createDb = (databaseUrl: string, max = 10): TDb => {
  const pool = new pg.Pool({ connectionString: databaseUrl, max });
  // An idle connection lost (PostgreSQL restarted): the pool drops it and the next query
  // opens a new one. Unheard, the error would end the process.
  pool.on('error', () => {});
  return pool;
};

export const withTransaction = async <T>(
  db: TDb,
  work: (client: TDbClient) => Promise<T>,
): Promise<T> => {
  const client = await db.connect();
  try {
    await client.query('begin');
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
};

/**
 * A query's rows, each parsed with the schema of the row the code expects: what Postgres
 * returned is checked against the type used, so a column renamed or retyped by a migration
 * fails loudly (a test, a 500) instead of turning into undefined. The schemas sit beside
 * their queries, in the domain context that owns the table.
 */
export const queryRows = async <S extends z.ZodType>(db: TQueryable, row: S, text: string, values?: unknown[]): Promise<z.infer<S>[]> => {
  const { rows } = await db.query(text, values);
  return rows.map((r: unknown) => row.parse(r));
};

/** The first row of a query, parsed (see queryRows); undefined when there is none. */
export const queryRow = async <S extends z.ZodType>(db: TQueryable, row: S, text: string, values?: unknown[]): Promise<z.infer<S> | undefined> =>
  (await queryRows(db, row, text, values))[0];

/** Runs a statement for its effect; returns how many rows it changed. */
export const execute = async (db: TQueryable, text: string, values?: unknown[]): Promise<number> =>
  (await db.query(text, values)).rowCount ?? 0;
