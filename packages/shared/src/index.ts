export * from './ids.ts';
export * from './errors.ts';
export * from './envelope.ts';
export * from './events.ts';
export * from './journal.ts';
export * from './api-inputs.ts';
export * from './log.ts';
