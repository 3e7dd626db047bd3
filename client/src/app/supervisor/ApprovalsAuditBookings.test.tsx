import { stateFrom } from '@stint/shared';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, test } from 'vitest';
import { Router } from 'wouter';
import { memoryLocation } from 'wouter/memory-location';
import { approvalsModel } from './approvals-model.ts';
import { Approvals } from './Approvals.tsx';
import { AuditLog } from './AuditLog.tsx';
import { auditLines, decodeAuditResponse } from './audit-model.ts';
import { BookingsAdmin } from './BookingsAdmin.tsx';
import { bookablePeople, bookingsModel } from './bookings-model.ts';
import type { BookingForm } from './bookings-model.ts';
import { T0, booking, check, run, user, version } from './testing.ts';
import { renderWithI18n } from '../test-render.tsx';

afterEach(cleanup);

const users = new Map([user('w1', 'Ana'), user('w2', 'Bruno'), user('s1', 'Sofía', 'supervisor')].map((u) => [u.id, u]));

describe('approvals component', () => {
  const state = stateFrom({
    sop_versions: [version('sop1', 'Lockout', [{ id: 'st1', title: 'Open the breaker' }])],
    procedure_runs: [run('r1', 'sop1', 'w1'), run('r2', 'sop1', 'w2', { locked: true, locked_by: 's1', locked_at: T0 + 700_000 })],
    safety_checks: [check('c1', 'r1', 'st1', { notes: 'dead', result: 'failed' })],
  });

  test('offers Approve on awaiting runs only, with their checks; approved runs show locked', async () => {
    const approved: string[] = [];
    const { hook } = memoryLocation({ path: '/approvals' });
    await renderWithI18n(
      <Router hook={hook}>
        <Approvals model={approvalsModel(state, users)} onApprove={(id) => (approved.push(id), Promise.resolve())} />
      </Router>,
    );
    const cards = screen.getAllByTestId('approval-run');
    expect(cards.map((c) => [c.dataset['runId'], c.dataset['locked']])).toEqual([
      ['r1', 'false'],
      ['r2', 'true'],
    ]);
    const awaiting = cards[0] as HTMLElement;
    expect(within(awaiting).getByTestId('approval-check').textContent).toContain('Open the breaker');
    expect(within(awaiting).getByTestId('approval-check').dataset['result']).toBe('failed');
    expect(within(cards[1] as HTMLElement).queryByTestId('approve')).toBeNull();
    expect(within(cards[1] as HTMLElement).getByTestId('run-locked').textContent).toBe('Locked');
    fireEvent.click(within(awaiting).getByTestId('approve'));
    await waitFor(() => expect(approved).toEqual(['r1']));
    expect(within(awaiting).getByTestId('approval-audit-link').getAttribute('href')).toBe('/audit?entity_id=r1');
  });
});

describe('audit log component', () => {
  test('offline it says it needs a connection, not an error', async () => {
    await renderWithI18n(<AuditLog entityId="" load={{ kind: 'offline' }} lines={[]} onFilter={() => {}} onRefresh={() => {}} />, 'es');
    expect(screen.getByTestId('audit-offline').textContent).toMatch(/^El registro de auditoría necesita conexión/);
    expect(screen.queryByTestId('audit-error')).toBeNull();
  });

  test('entries from a decoded body, and the filter hands over the entity id', async () => {
    const entries = decodeAuditResponse({
      data: [
        { id: 'a1', at: '2025-03-10T08:11:00.000Z', actor_id: 's1', device_id: 'd', source: 'offline', entity: 'procedure_runs', entity_id: 'r1', action: 'run.approve', old_value: { locked: false }, new_value: { locked: true }, reason: null },
      ],
    });
    const filters: string[] = [];
    await renderWithI18n(
      <AuditLog entityId="" load={{ kind: 'entries', entries }} lines={auditLines(entries, users)} onFilter={(id) => filters.push(id)} onRefresh={() => {}} />,
    );
    const row = screen.getByTestId('audit-entry');
    expect(row.dataset['action']).toBe('run.approve');
    expect(row.textContent).toContain('Sofía');
    expect(row.textContent).toContain('locked: false → true');
    fireEvent.change(screen.getByTestId('audit-filter-input'), { target: { value: 'r1' } });
    fireEvent.submit(screen.getByTestId('audit-filter'));
    expect(filters).toEqual(['r1']);
  });
});

describe('bookings component', () => {
  test('rows with live status and a cancel only where allowed; the form hands over its fields', async () => {
    const state = stateFrom({
      bookings: [booking('b1', 'w1', 'w2'), booking('b2', 'w1', 'w2', { status: 'COMPLETED', start_time: T0 - 7_200_000, end_time: T0 - 3_600_000 })],
    });
    const forms: BookingForm[] = [];
    await renderWithI18n(
      <BookingsAdmin
        lines={bookingsModel(state, users, { user_id: 's1', role: 'supervisor' }, T0)}
        people={bookablePeople(users)}
        zone="Europe/Madrid"
        onCreate={(form) => (forms.push(form), Promise.resolve(null))}
        onCancel={() => Promise.resolve()}
      />,
    );
    const rows = screen.getAllByTestId('booking-row');
    expect(rows.map((r) => [r.dataset['bookingId'], r.dataset['status'], within(r).queryByTestId('booking-cancel') !== null])).toEqual([
      ['b2', 'COMPLETED', false],
      ['b1', 'SCHEDULED', true],
    ]);
    fireEvent.change(screen.getByTestId('booking-mentor'), { target: { value: 'w1' } });
    fireEvent.change(screen.getByTestId('booking-student'), { target: { value: 'w2' } });
    fireEvent.change(screen.getByTestId('booking-start'), { target: { value: '2025-07-01T09:00' } });
    fireEvent.change(screen.getByTestId('booking-end'), { target: { value: '2025-07-01T10:00' } });
    fireEvent.submit(screen.getByTestId('create-booking'));
    await waitFor(() => expect(forms).toEqual([{ mentorId: 'w1', studentId: 'w2', start: '2025-07-01T09:00', end: '2025-07-01T10:00' }]));
  });
});
