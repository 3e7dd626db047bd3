export function BookingsAdminView(): React.ReactNode { return null; }
