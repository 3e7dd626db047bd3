/** One entry of a role's navigation: where it goes and its label key in namespace common (`nav.*`). */
export interface NavItem {
  readonly href: string;
  readonly label: 'work' | 'tasks' | 'runs' | 'bookings' | 'board' | 'approvals' | 'audit' | 'reports';
}
