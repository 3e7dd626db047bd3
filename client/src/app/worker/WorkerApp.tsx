/**
 * The worker's views: work home, task detail, procedures
 * and the SOP runner, bookings. Every view reads the local view through the
 * hooks and changes things only through intents (`useAct`).
 */
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Route, Switch } from 'wouter';
import type { NavItem } from '../shell/nav.ts';
import { Bookings } from './Bookings.tsx';
import { RunRunner } from './RunRunner.tsx';
import { Runs } from './Runs.tsx';
import { TaskDetail } from './TaskDetail.tsx';
import { WorkHome } from './WorkHome.tsx';

export const workerNav: readonly NavItem[] = [
  { href: '/', label: 'work' },
  { href: '/runs', label: 'runs' },
  { href: '/bookings', label: 'bookings' },
];

export function WorkerRoutes(): ReactNode {
  return (
    <Switch>
      <Route path="/">
        <WorkHome />
      </Route>
      <Route path="/tasks/:id">{(params) => <TaskDetail key={params.id} id={params.id} />}</Route>
      <Route path="/runs">
        <Runs />
      </Route>
      <Route path="/runs/:id">{(params) => <RunRunner key={params.id} id={params.id} />}</Route>
      <Route path="/bookings">
        <Bookings />
      </Route>
      <Route>
        <NotFound />
      </Route>
    </Switch>
  );
}

function NotFound(): ReactNode {
  const { t } = useTranslation('common');
  return <p className="empty">{t('notFound')}</p>;
}
