export * from './sessions.ts';
export * from './shows.ts';
