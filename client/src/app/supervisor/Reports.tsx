/**
 * Reports: time per task and per worker per local day as bar charts
 * (recharts), a day range, and the CSV export of work sessions (papaparse,
 * downloaded through a Blob link).
 */
import { useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatDuration } from '../shell/format.ts';
import { useNow, useUsers, useView } from '../stint-context.tsx';
import { csvRows, sessionsCsv } from './csv-model.ts';
import { lastDays, reportsModel } from './reports-model.ts';
import type { DayRange, ReportsModel } from './reports-model.ts';
import './supervisor.css';

const SERIES_COLORS = ['#0b63ce', '#1a7f37', '#9a6700', '#c62828', '#8250df', '#0a7f8c', '#bf3989', '#57606a'];

export function ReportsView(): ReactNode {
  const view = useView();
  const users = useUsers();
  const now = useNow(30_000);
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const [range, setRange] = useState<DayRange>(() => lastDays(Date.now(), zone, 7));
  const model = useMemo(() => reportsModel(view, users, now, range), [view, users, now, range]);

  function exportCsv(): void {
    // The export reads the clock at the click, so open sessions count up to this moment.
    const csv = sessionsCsv(csvRows(view, users, Date.now(), range));
    downloadText(`\ufeff${csv}`, `stint-work-sessions_${range.from || 'start'}_${range.to || 'now'}.csv`, 'text/csv;charset=utf-8');
  }

  return <Reports model={model} range={range} onRange={setRange} onExport={exportCsv} />;
}

export function Reports(props: {
  model: ReportsModel;
  range: DayRange;
  onRange: (range: DayRange) => void;
  onExport: () => void;
  /** A fixed chart width instead of the container's measured one (component tests: happy-dom has no layout). */
  fixedChartWidth?: number;
}): ReactNode {
  const { t } = useTranslation('supervisor');
  const { model, range } = props;
  const fixed = props.fixedChartWidth;
  const perTaskHeight = Math.max(160, 40 + model.perTask.length * 32);
  return (
    <section className="view" aria-labelledby="reports-title" data-testid="reports">
      <h1 id="reports-title">{t('reports.title')}</h1>
      <div className="row">
        <label className="sv-field">
          {t('reports.from')}
          <input type="date" data-testid="report-from" value={range.from} max={range.to || undefined} onChange={(e) => props.onRange({ ...range, from: e.target.value })} />
        </label>
        <label className="sv-field">
          {t('reports.to')}
          <input type="date" data-testid="report-to" value={range.to} min={range.from || undefined} onChange={(e) => props.onRange({ ...range, to: e.target.value })} />
        </label>
        <span className="spacer" />
        <button type="button" className="button button-primary" data-testid="export-csv" onClick={props.onExport}>
          {t('reports.exportCsv')}
        </button>
      </div>
      <p className="muted" data-testid="report-summary">
        {t('reports.summary', { count: model.sessions, total: formatDuration(model.totalMs) })} · {t('reports.daysInZone')}
      </p>
      {model.claimedBack.sessions > 0 && (
        <p className="badge badge-warn" data-testid="report-claimed-back">
          {t('reports.claimedBack', { count: model.claimedBack.sessions, total: formatDuration(model.claimedBack.ms) })}
        </p>
      )}
      <h2>{t('reports.perTask')}</h2>
      {model.perTask.length === 0 ? (
        <p className="empty">{t('reports.noData')}</p>
      ) : (
        <div className="sv-chart" data-testid="chart-per-task">
          <ChartBox fixedWidth={fixed} height={perTaskHeight}>
            <BarChart data={[...model.perTask]} layout="vertical" margin={{ left: 8, right: 16 }} {...size(fixed, perTaskHeight)}>
              <CartesianGrid strokeDasharray="3 3" horizontal={false} />
              <XAxis type="number" unit={` ${model.unit}`} />
              <YAxis type="category" dataKey="title" width={110} />
              <Tooltip formatter={(value) => [`${String(value)} ${model.unit}`, t(`reports.unit.${model.unit}`)]} />
              <Bar dataKey="value" name={t(`reports.unit.${model.unit}`)} fill={SERIES_COLORS[0]} isAnimationActive={false} />
            </BarChart>
          </ChartBox>
        </div>
      )}
      <h2>{t('reports.perWorkerDay')}</h2>
      {model.perWorkerDay.days.length === 0 ? (
        <p className="empty">{t('reports.noData')}</p>
      ) : (
        <div className="sv-chart" data-testid="chart-per-worker-day">
          <ChartBox fixedWidth={fixed} height={DAY_CHART_HEIGHT}>
            <BarChart data={[...model.perWorkerDay.days]} margin={{ left: 0, right: 16 }} {...size(fixed, DAY_CHART_HEIGHT)}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="day" />
              <YAxis unit={` ${model.unit}`} />
              <Tooltip formatter={(value) => `${String(value)} ${model.unit}`} />
              <Legend />
              {model.perWorkerDay.workers.map((w, i) => (
                <Bar key={w.key} dataKey={w.key} name={w.name} stackId="day" fill={SERIES_COLORS[i % SERIES_COLORS.length]} isAnimationActive={false} />
              ))}
            </BarChart>
          </ChartBox>
        </div>
      )}
    </section>
  );
}

const DAY_CHART_HEIGHT = 280;

/** The chart at the container's width (ResponsiveContainer), or at a fixed width when one is given. */
function ChartBox(props: { fixedWidth: number | undefined; height: number; children: ReactNode }): ReactNode {
  if (props.fixedWidth !== undefined) return props.children;
  return (
    <ResponsiveContainer width="100%" height={props.height}>
      {props.children}
    </ResponsiveContainer>
  );
}

function size(width: number | undefined, height: number): { width?: number; height?: number } {
  return width === undefined ? {} : { width, height };
}

/** Saves text as a file through a temporary Blob link. */
function downloadText(text: string, filename: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  // Revoke after the click has been handled, or some browsers cancel the download.
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}
