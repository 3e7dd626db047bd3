export * from './booking.ts';
export * from './sweep.ts';
