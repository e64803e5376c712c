import pg from 'pg';

export type TDb = pg.Pool;
export type TDbClient = pg.PoolClient;
/** Either the pool or a client inside a transaction: repositories take this. */
export type TQueryable = Pick<pg.Pool, 'query'>;

// bigint columns (event seqs) stay well within 2^53; read them as numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export const createDb = (databaseUrl: string, max = 10): TDb =>
  new pg.Pool({ connectionString: databaseUrl, max });

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
