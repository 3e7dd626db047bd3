/**
 * The supervisor's views: the live board, approvals, the
 * audit log, bookings and reports. Reads come from Zero through the hooks;
 * every change is an intent through `useAct` (never a REST write). The audit
 * log alone is read over REST, because audit_log is not synced.
 */
import type { ReactNode } from 'react';
import { Route, Switch } from 'wouter';
import type { NavItem } from '../shell/nav.ts';
import { ApprovalsView } from './Approvals.tsx';
import { AuditLogView } from './AuditLog.tsx';
import { BookingsAdminView } from './BookingsAdmin.tsx';
import { LiveBoardView } from './LiveBoard.tsx';
import { ReportsView } from './Reports.tsx';

export const supervisorNav: readonly NavItem[] = [
  { href: '/', label: 'board' },
  { href: '/approvals', label: 'approvals' },
  { href: '/audit', label: 'audit' },
  { href: '/bookings', label: 'bookings' },
  { href: '/reports', label: 'reports' },
];

export function SupervisorRoutes(): ReactNode {
  return (
    <Switch>
      <Route path="/approvals">
        <ApprovalsView />
      </Route>
      <Route path="/audit">
        <AuditLogView />
      </Route>
      <Route path="/bookings">
        <BookingsAdminView />
      </Route>
      <Route path="/reports">
        <ReportsView />
      </Route>
      <Route>
        <LiveBoardView />
      </Route>
    </Switch>
  );
}
