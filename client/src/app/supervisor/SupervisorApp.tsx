/** The supervisor's views (issue 6 item 2). Placeholder until the supervisor views land. */
import { Route, Switch } from 'wouter';
import type { NavItem } from '../shell/nav.ts';

export const supervisorNav: readonly NavItem[] = [{ href: '/', label: 'board' }];

export function SupervisorRoutes(): React.ReactNode {
  return (
    <Switch>
      <Route path="/">
        <section className="view" />
      </Route>
    </Switch>
  );
}
