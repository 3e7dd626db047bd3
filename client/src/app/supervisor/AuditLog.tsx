export function AuditLogView(): React.ReactNode { return null; }
