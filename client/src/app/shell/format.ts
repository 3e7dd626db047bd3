/**
 * Formatting the views share: durations as h:mm:ss, ages as "3 min ago",
 * times in the person's locale. Pure; the views pass the clock in.
 */
import type { TFunction } from 'i18next';

/** 3725000 → "1:02:05"; under an hour "2:05"; negative counts as 0. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const mm = hours > 0 ? String(minutes).padStart(2, '0') : String(minutes);
  const body = `${mm}:${String(seconds).padStart(2, '0')}`;
  return hours > 0 ? `${hours}:${body}` : body;
}

/** How long ago `at` was, in the largest whole unit ("age.minutes" etc. in namespace common). */
export function formatAge(t: TFunction, at: number, now: number): string {
  const seconds = Math.max(0, Math.floor((now - at) / 1000));
  if (seconds < 60) return t('age.seconds', { ns: 'common', count: seconds });
  if (seconds < 3600) return t('age.minutes', { ns: 'common', count: Math.floor(seconds / 60) });
  if (seconds < 86_400) return t('age.hours', { ns: 'common', count: Math.floor(seconds / 3600) });
  return t('age.days', { ns: 'common', count: Math.floor(seconds / 86_400) });
}

/** A date-time in the given locale (and zone, default the device's). */
export function formatDateTime(at: number, locale: string, timeZone?: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', ...(timeZone === undefined ? {} : { timeZone }) }).format(at);
}

/** A moment as people say it: the time of day ("10:02"), with the date when it is not the day of `now` (locale and zone as formatDateTime). */
export function formatMoment(at: number, now: number, locale: string, timeZone?: string): string {
  const zone = timeZone === undefined ? {} : { timeZone };
  const day = new Intl.DateTimeFormat('en-CA', { dateStyle: 'short', ...zone });
  if (day.format(at) !== day.format(now)) return formatDateTime(at, locale, timeZone);
  return new Intl.DateTimeFormat(locale, { timeStyle: 'short', ...zone }).format(at);
}
