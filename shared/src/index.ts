export * from './context.ts';
export * from './effects.ts';
export * from './errors.ts';
export * from './result.ts';
export * from './rows.ts';
export * from './time.ts';
export * from './checklist/index.ts';
export * from './runs/index.ts';
