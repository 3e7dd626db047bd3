export function ReportsView(): React.ReactNode { return null; }
