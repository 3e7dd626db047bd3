/** The worker's views (issue 6 item 1). Placeholder until the worker views land. */
import { Route, Switch } from 'wouter';
import type { NavItem } from '../shell/nav.ts';

export const workerNav: readonly NavItem[] = [{ href: '/', label: 'work' }];

export function WorkerRoutes(): React.ReactNode {
  return (
    <Switch>
      <Route path="/">
        <section className="view" />
      </Route>
    </Switch>
  );
}
