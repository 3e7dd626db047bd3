/**
 * English and Spanish: the language comes from the browser
 * (navigator.languages) unless the person picked one with the switch, which
 * is remembered on this device.
 *
 * Invariants:
 *  1. Every namespace has the same keys in both languages (i18n.test.ts);
 *     a missing key would show the English key path, never crash.
 *  2. Unsupported browser languages fall back to English; regional variants
 *     (es-MX, en-GB) map to their base language.
 */
import i18next from 'i18next';
import type { i18n as I18n } from 'i18next';
import LanguageDetector from 'i18next-browser-languagedetector';
import { initReactI18next } from 'react-i18next';
import { common as enCommon } from './locales/en/common.ts';
import { supervisor as enSupervisor } from './locales/en/supervisor.ts';
import { worker as enWorker } from './locales/en/worker.ts';
import { common as esCommon } from './locales/es/common.ts';
import { supervisor as esSupervisor } from './locales/es/supervisor.ts';
import { worker as esWorker } from './locales/es/worker.ts';

export const LANGUAGES = ['en', 'es'] as const;
export type Language = (typeof LANGUAGES)[number];

export const resources = {
  en: { common: enCommon, worker: enWorker, supervisor: enSupervisor },
  es: { common: esCommon, worker: esWorker, supervisor: esSupervisor },
} as const;

export const LANGUAGE_STORAGE_KEY = 'stint.language';

/** A configured i18next instance; `lng` fixes the language (tests), otherwise it is detected. */
export async function createI18n(options: { readonly lng?: Language } = {}): Promise<I18n> {
  const instance = i18next.createInstance();
  if (options.lng === undefined) instance.use(LanguageDetector);
  instance.use(initReactI18next);
  await instance.init({
    resources,
    ...(options.lng === undefined ? {} : { lng: options.lng }),
    fallbackLng: 'en',
    supportedLngs: [...LANGUAGES],
    nonExplicitSupportedLngs: true,
    load: 'languageOnly',
    ns: ['common', 'worker', 'supervisor'],
    defaultNS: 'common',
    interpolation: { escapeValue: false },
    detection: {
      order: ['localStorage', 'navigator'],
      lookupLocalStorage: LANGUAGE_STORAGE_KEY,
      caches: ['localStorage'],
    },
  });
  return instance;
}

export function currentLanguage(instance: I18n): Language {
  const lng = instance.resolvedLanguage ?? instance.language;
  return (LANGUAGES as readonly string[]).includes(lng) ? (lng as Language) : 'en';
}
