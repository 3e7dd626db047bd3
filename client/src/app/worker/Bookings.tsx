/**
 * My bookings (`/bookings`): time range in local time, live status, the
 * partner's name, and Start / Complete where the rules allow.
 */
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../shell/format.ts';
import { useAct, useNow, useUsers, useView } from '../stint-context.tsx';
import { bookingsModel } from './bookings-model.ts';
import type { BookingCardModel } from './bookings-model.ts';
import { bookingBadge } from './labels.ts';
import { useActor } from './use-worker.ts';
import './worker.css';

export function Bookings(): ReactNode {
  const view = useView();
  const actor = useActor();
  const now = useNow(5000);
  const users = useUsers();
  const act = useAct();
  return (
    <BookingsView
      cards={bookingsModel(view, actor, now, users)}
      onStart={(id) => void act('booking.start', { booking_id: id })}
      onComplete={(id) => void act('booking.complete', { booking_id: id })}
    />
  );
}

export function BookingsView(props: {
  cards: readonly BookingCardModel[];
  onStart: (bookingId: string) => void;
  onComplete: (bookingId: string) => void;
  /** The zone times are shown in; the device's by default. */
  timeZone?: string;
}): ReactNode {
  const { t, i18n } = useTranslation('worker');
  const locale = i18n.language;
  return (
    <section className="view" aria-labelledby="bookings-title" data-testid="bookings-view">
      <h1 id="bookings-title">{t('bookings.title')}</h1>
      {props.cards.length === 0 ? (
        <p className="empty" data-testid="bookings" data-count={0}>
          {t('bookings.empty')}
        </p>
      ) : (
        <ul className="cards cards-grid" data-testid="bookings" data-count={props.cards.length}>
          {props.cards.map((card) => {
            const name = card.partnerName ?? t('bookings.unknownPerson');
            return (
              <li key={card.id} className="card" data-testid="booking-card" data-booking-id={card.id} data-status={card.status}>
                <div className="card-title" data-testid="booking-time">
                  {formatRange(card.startTime, card.endTime, locale, props.timeZone)}
                </div>
                <div className="task-meta">
                  <span className={bookingBadge(card.status)} data-testid="booking-status">
                    {t(`bookings.status.${card.status}`)}
                  </span>
                  {card.isDelayed && <span className="badge badge-warn">{t('bookings.late')}</span>}
                </div>
                <div data-testid="booking-partner">{card.myRole === 'mentor' ? t('bookings.asMentor', { name }) : t('bookings.asStudent', { name })}</div>
                {card.startedAt !== null && (
                  <div className="muted">{t('bookings.startedAt', { time: formatDateTime(card.startedAt, locale, props.timeZone) })}</div>
                )}
                {card.completedAt !== null && (
                  <div className="muted">{t('bookings.completedAt', { time: formatDateTime(card.completedAt, locale, props.timeZone) })}</div>
                )}
                {(card.actions.start || card.actions.complete) && (
                  <div className="card-actions">
                    {card.actions.start && (
                      <button type="button" className="button button-primary" data-testid="start" onClick={() => props.onStart(card.id)}>
                        {t('bookings.start')}
                      </button>
                    )}
                    {card.actions.complete && (
                      <button type="button" className="button button-ok" data-testid="complete" onClick={() => props.onComplete(card.id)}>
                        {t('bookings.complete')}
                      </button>
                    )}
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

/** "2 Mar 2026, 10:00 – 11:00" in the person's locale and zone. */
export function formatRange(start: number, end: number, locale: string, timeZone?: string): string {
  const format = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', ...(timeZone === undefined ? {} : { timeZone }) });
  return format.formatRange(start, end);
}
