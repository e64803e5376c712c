import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from '../../infra/local/components.ts';

/** Writes a bench's results to bench/results/<name>.json (not in git), with when and on which Node; resolves with the file. */
export const writeResults = async (name: string, results: object) => {
  const dir = path.join(REPO_ROOT, 'bench/results');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${name}.json`);
  await writeFile(file, `${JSON.stringify({ at: new Date().toISOString(), node: process.version, ...results }, null, 2)}\n`);
  return file;
};
