import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import webpush from 'web-push';
import { z } from 'zod';

const ZKeys = z.object({ publicKey: z.string(), privateKey: z.string() });

/**
 * `npm start`'s Web Push keys: the ones the shell or .env sets, else a pair made once and
 * kept in the data directory (file mode 600), so a browser's subscription outlives a restart.
 */
export const localVapidKeys = async (dataDir: string, env: NodeJS.ProcessEnv): Promise<Record<string, string>> => {
  if (env.VAPID_PUBLIC_KEY || env.VAPID_PRIVATE_KEY) return {};
  const file = path.join(dataDir, 'vapid.json');
  if (existsSync(file)) {
    const kept = ZKeys.safeParse(JSON.parse(await readFile(file, 'utf8')));
    if (kept.success) return { VAPID_PUBLIC_KEY: kept.data.publicKey, VAPID_PRIVATE_KEY: kept.data.privateKey };
  }
  const made = webpush.generateVAPIDKeys();
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, JSON.stringify(made), { mode: 0o600 });
  return { VAPID_PUBLIC_KEY: made.publicKey, VAPID_PRIVATE_KEY: made.privateKey };
};
