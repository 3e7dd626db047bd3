/**
 * Bookings for supervisors: every booking with its live status, a form to
 * create one (`booking.create`, times in the supervisor's zone) and cancel
 * (`booking.cancel`).
 */
import { useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { unreachable } from '@stint/shared';
import { formatDateTime } from '../shell/format.ts';
import { useAct, useNow, useSignIn, useUsers, useView } from '../stint-context.tsx';
import { bookablePeople, bookingsModel, planBooking } from './bookings-model.ts';
import type { BookingForm, BookingLine } from './bookings-model.ts';
import './supervisor.css';

export function BookingsAdminView(): ReactNode {
  const view = useView();
  const users = useUsers();
  const signedIn = useSignIn();
  const now = useNow(5_000);
  const act = useAct();
  const actor = useMemo(() => ({ user_id: signedIn.user.id, role: signedIn.user.role }), [signedIn]);
  const lines = useMemo(() => bookingsModel(view, users, actor, now), [view, users, actor, now]);
  const people = useMemo(() => bookablePeople(users), [users]);
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;

  async function create(form: BookingForm): Promise<'people' | 'times' | null> {
    const plan = planBooking(form, zone, () => crypto.randomUUID());
    if (!plan.ok) return plan.problem;
    await act('booking.create', plan.args);
    return null;
  }

  return (
    <BookingsAdmin
      lines={lines}
      people={people}
      zone={zone}
      onCreate={create}
      onCancel={async (id) => void (await act('booking.cancel', { booking_id: id }))}
    />
  );
}

export function BookingsAdmin(props: {
  lines: readonly BookingLine[];
  people: readonly { id: string; name: string }[];
  zone: string;
  onCreate: (form: BookingForm) => Promise<'people' | 'times' | null>;
  /** Called after the person confirmed. */
  onCancel: (bookingId: string) => Promise<void>;
}): ReactNode {
  const { t, i18n } = useTranslation('supervisor');
  const when = (at: number): string => formatDateTime(at, i18n.language);
  return (
    <section className="view" aria-labelledby="bookings-title" data-testid="bookings-admin">
      <h1 id="bookings-title">{t('bookings.title')}</h1>
      <BookingFormCard people={props.people} zone={props.zone} onCreate={props.onCreate} />
      {props.lines.length === 0 ? (
        <p className="empty">{t('bookings.empty')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="bookings-table">
            <thead>
              <tr>
                <th>{t('bookings.start')}</th>
                <th>{t('bookings.end')}</th>
                <th>{t('bookings.mentor')}</th>
                <th>{t('bookings.student')}</th>
                <th>{t('bookings.statusLabel')}</th>
                <th>{t('bookings.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {props.lines.map((line) => (
                <tr key={line.id} data-testid="booking-row" data-booking-id={line.id} data-status={line.status}>
                  <td>{when(line.start)}</td>
                  <td>{when(line.end)}</td>
                  <td>{line.mentorName}</td>
                  <td>{line.studentName}</td>
                  <td>
                    <span className={statusClass(line.status)} data-testid="booking-status">
                      {t(`bookings.status.${line.status}`)}
                    </span>{' '}
                    {line.delayed && <span className="badge badge-warn">{t('bookings.delayed')}</span>}{' '}
                    {line.due && <span className="muted">{t('bookings.due')}</span>}
                  </td>
                  <td>
                    {line.cancellable && (
                      <button type="button" className="button button-danger" data-testid="booking-cancel" onClick={() => {
                          if (window.confirm(t('bookings.confirmCancel'))) void props.onCancel(line.id);
                        }}>
                        {t('bookings.cancel')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function BookingFormCard(props: {
  people: readonly { id: string; name: string }[];
  zone: string;
  onCreate: (form: BookingForm) => Promise<'people' | 'times' | null>;
}): ReactNode {
  const { t } = useTranslation('supervisor');
  const empty: BookingForm = { mentorId: '', studentId: '', start: '', end: '' };
  const [form, setForm] = useState<BookingForm>(empty);
  const [problem, setProblem] = useState<'people' | 'times' | null>(null);
  const set = (field: keyof BookingForm) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => setForm({ ...form, [field]: e.target.value });
  const person = (field: 'mentorId' | 'studentId', label: string, testId: string): ReactNode => (
    <label className="sv-field">
      {label}
      <select data-testid={testId} value={form[field]} onChange={set(field)}>
        <option value="">{t('bookings.choose')}</option>
        {props.people.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <form
      className="card sv-form"
      data-testid="create-booking"
      onSubmit={(e) => {
        e.preventDefault();
        void props.onCreate(form).then((result) => {
          setProblem(result);
          if (result === null) setForm(empty);
        });
      }}
    >
      <h2>{t('bookings.create')}</h2>
      <div className="sv-form-grid sv-form-grid-4">
        {person('mentorId', t('bookings.mentor'), 'booking-mentor')}
        {person('studentId', t('bookings.student'), 'booking-student')}
        <label className="sv-field">
          {t('bookings.start')}
          <input type="datetime-local" data-testid="booking-start" value={form.start} onChange={set('start')} />
        </label>
        <label className="sv-field">
          {t('bookings.end')}
          <input type="datetime-local" data-testid="booking-end" value={form.end} onChange={set('end')} />
        </label>
      </div>
      <span className="muted">{t('bookings.timesIn', { zone: props.zone })}</span>
      {problem !== null && (
        <p className="error" role="alert" data-testid="booking-problem">
          {problem === 'people' ? t('bookings.invalidPeople') : t('bookings.invalidTimes')}
        </p>
      )}
      <button type="submit" className="button button-primary" data-testid="create-booking-submit">
        {t('bookings.submit')}
      </button>
    </form>
  );
}

function statusClass(status: BookingLine['status']): string {
  switch (status) {
    case 'SCHEDULED':
      return 'badge badge-info';
    case 'ONGOING':
      return 'badge badge-ok';
    case 'COMPLETED':
      return 'badge';
    case 'CANCELLED':
      return 'badge badge-danger';
    default:
      return unreachable(status);
  }
}
