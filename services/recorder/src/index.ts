export * from './backend.ts';
export * from './builtin.ts';
export * from './egress.ts';
export * from './service.ts';
