import { Worker } from 'node:worker_threads';

/** Runs a TypeScript module on a worker thread (tsx loads it there), `data` as its workerData. */
export const startTsWorker = (moduleUrl: string, data: unknown) =>
  new Worker(`import('tsx/esm/api').then((tsx) => tsx.tsImport(${JSON.stringify(moduleUrl)}, ${JSON.stringify(moduleUrl)}))`, {
    eval: true,
    workerData: data,
  });
