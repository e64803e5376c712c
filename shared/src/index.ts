export * from './errors.ts';
export * from './http.ts';
export * from './ids.ts';
export * from './money.ts';
export * from './protocol.ts';
export * from './show.ts';
export * from './replay.ts';
export * from './contract.ts';
