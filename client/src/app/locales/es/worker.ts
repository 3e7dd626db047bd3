/** Spanish strings of the worker views (namespace `worker`); en and es have the same keys (i18n.test.ts checks). */
export const worker = {} as const;
