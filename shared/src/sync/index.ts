export * from './time-correction.ts';
