/** English strings of the supervisor views (namespace `supervisor`); en and es have the same keys (i18n.test.ts checks). */
export const supervisor = {} as const;
