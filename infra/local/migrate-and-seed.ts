import { createDb, createPhotoStore, createStripe, loadConfigOrExit, migrate } from '@showcart/common';
import { seedDemo } from './seed.ts';

/** Migrates the database and seeds the demo once; docker compose runs it before the services. */
const config = loadConfigOrExit();
const db = createDb(config.databaseUrl, 2);
const applied = await migrate(db);
console.log(applied.length ? `applied ${applied.join(', ')}` : 'database is up to date');
if (await seedDemo(db, createStripe(config.stripe), createPhotoStore(config.recordings))) console.log('seeded demo data');
await db.end();
