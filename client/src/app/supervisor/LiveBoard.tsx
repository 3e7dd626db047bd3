/**
 * The live board view: counts, one card per person working (each task with
 * its live timer), the idle workers, and a quick task form. The container
 * reads the replica through the hooks; everything it shows comes from
 * `boardModel`, which updates whenever Zero delivers another device's change.
 */
import { useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatAge, formatDuration } from '../shell/format.ts';
import { useAct, useNow, useUsers, useView } from '../stint-context.tsx';
import { boardModel } from './board-model.ts';
import type { BoardModel, BoardSession, BoardWorker, ClaimedBackWorker } from './board-model.ts';
import { planCreateTask } from './create-task-model.ts';
import './supervisor.css';

export function LiveBoardView(): ReactNode {
  const view = useView();
  const users = useUsers();
  const now = useNow(1000);
  const act = useAct();
  const model = useMemo(() => boardModel(view, users, now), [view, users, now]);

  async function create(title: string, checklist: string): Promise<CreateOutcome> {
    const plan = planCreateTask(title, checklist, () => crypto.randomUUID());
    if (plan === null) return { ok: false };
    const created = await act('task.create', plan.task);
    if (!created.accepted) return { ok: false, refused: true };
    for (const item of plan.items) await act('checklist.add', item);
    return { ok: true, title: plan.task.title, items: plan.items.length };
  }

  return (
    <section className="view" aria-labelledby="board-title">
      <LiveBoard model={model} now={now} />
      <CreateTaskForm onCreate={create} />
    </section>
  );
}

export function LiveBoard(props: { model: BoardModel; now: number }): ReactNode {
  const { t } = useTranslation('supervisor');
  const { model, now } = props;
  const counts = [
    ['activeSessions', model.counts.activeSessions],
    ['openTasks', model.counts.openTasks],
    ['unclaimedTasks', model.counts.unclaimedTasks],
    ['working', model.counts.working],
    ['idle', model.counts.idle],
  ] as const;
  return (
    <div className="view" data-testid="live-board">
      <h1 id="board-title">{t('board.title')}</h1>
      <ul className="sv-counts" data-testid="board-counts">
        {counts.map(([key, value]) => (
          <li key={key} className="sv-count" data-testid={`count-${key}`} data-value={value}>
            <span className="sv-count-value">{value}</span>
            <span className="sv-count-label">{t(`board.counts.${key}`)}</span>
          </li>
        ))}
      </ul>
      <h2>{t('board.working')}</h2>
      {model.working.length === 0 ? (
        <p className="empty" data-testid="board-none-working">
          {t('board.noneWorking')}
        </p>
      ) : (
        <ul className="sv-board">
          {model.working.map((worker) => (
            <WorkerCard key={worker.userId} worker={worker} now={now} />
          ))}
        </ul>
      )}
      <h2>{t('board.idle')}</h2>
      {model.idle.length === 0 ? (
        <p className="empty">{t('board.noneIdle')}</p>
      ) : (
        <ul className="sv-idle" data-testid="board-idle">
          {model.idle.map((w) => (
            <li key={w.userId} className="badge" data-testid="board-idle-worker" data-user-id={w.userId}>
              {w.name}
            </li>
          ))}
        </ul>
      )}
      {model.claimedBack.length > 0 && <ClaimedBack workers={model.claimedBack} />}
    </div>
  );
}

/** Today's work sessions whose time rests on the worker's word (DESIGN §3.1). */
function ClaimedBack(props: { workers: readonly ClaimedBackWorker[] }): ReactNode {
  const { t, i18n } = useTranslation('supervisor');
  const time = new Intl.DateTimeFormat(i18n.language, { timeStyle: 'short' });
  return (
    <section aria-labelledby="claimed-back-title" data-testid="board-claimed-back">
      <h2 id="claimed-back-title">{t('board.claimedBack')}</h2>
      <p className="muted">{t('board.claimedBackHelp')}</p>
      <ul className="sv-board">
        {props.workers.map((worker) => (
          <li key={worker.userId} className="card" data-testid="claimed-back-worker" data-user-id={worker.userId}>
            <div className="card-title">
              <span>{worker.name}</span>
              <span className="badge badge-warn">{formatDuration(worker.totalMs)}</span>
            </div>
            <ul className="sv-sessions">
              {worker.sessions.map((s) => (
                <li key={s.sessionId} className="sv-session" data-testid="claimed-back-session" data-session-id={s.sessionId}>
                  {t('board.claimedBackLine', { task: s.taskTitle, from: time.format(s.startedAt), to: time.format(s.endedAt), duration: formatDuration(s.ms) })}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </section>
  );
}

function WorkerCard(props: { worker: BoardWorker; now: number }): ReactNode {
  const { t } = useTranslation('supervisor');
  const { worker } = props;
  return (
    <li className="card" data-testid="board-worker" data-user-id={worker.userId}>
      <div className="card-title">
        <span>{worker.name}</span>
        <span className="badge badge-info">{t('board.sessions', { count: worker.sessions.length })}</span>
        {worker.claimedBackToday > 0 && (
          <span className="badge badge-warn" data-testid="board-claimed-back-count">
            {t('board.claimedBackCount', { count: worker.claimedBackToday })}
          </span>
        )}
      </div>
      <ul className="sv-sessions">
        {worker.sessions.map((s) => (
          <SessionLine key={s.sessionId} session={s} now={props.now} />
        ))}
      </ul>
    </li>
  );
}

function SessionLine(props: { session: BoardSession; now: number }): ReactNode {
  const { t, i18n } = useTranslation('supervisor');
  const { session: s } = props;
  const since = new Intl.DateTimeFormat(i18n.language, { timeStyle: 'short' }).format(s.startedAt);
  return (
    <li className="sv-session" data-testid="board-session" data-task-id={s.taskId} data-session-id={s.sessionId}>
      <span className="sv-session-title">{s.taskTitle}</span>
      <div className="row">
        <span className="timer" data-testid="board-timer" title={t('board.total')}>
          {formatDuration(s.totalMs)}
        </span>
        <span className="muted">{t('board.since', { time: since })}</span>
        <span className="muted">{t('board.thisSession', { duration: formatDuration(s.sessionMs) })}</span>
      </div>
      <div className="row">
        {s.offline && (
          <span className="badge badge-warn" data-testid="board-offline">
            {t('board.offline')}
          </span>
        )}
        {s.claimedBack && (
          <span className="badge badge-warn" data-testid="board-claimed-back-badge">
            {t('board.claimedBackBadge')}
          </span>
        )}
        {s.quiet && (
          <span className="badge badge-danger" data-testid="board-quiet">
            {t('board.quiet', { age: formatAge(t, s.lastHeartbeatAt, props.now) })}
          </span>
        )}
        <span className="badge">{t('board.zone', { zone: s.zone })}</span>
      </div>
    </li>
  );
}

export interface CreateOutcome {
  readonly ok: boolean;
  /** The local rules refused it; the notice line already says why. */
  readonly refused?: boolean;
  readonly title?: string;
  readonly items?: number;
}

export function CreateTaskForm(props: { onCreate: (title: string, checklist: string) => Promise<CreateOutcome> }): ReactNode {
  const { t } = useTranslation('supervisor');
  const [title, setTitle] = useState('');
  const [checklist, setChecklist] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: React.FormEvent): Promise<void> {
    event.preventDefault();
    setBusy(true);
    try {
      const outcome = await props.onCreate(title, checklist);
      if (outcome.ok) {
        setTitle('');
        setChecklist('');
        setMessage(t('createTask.created', { title: outcome.title, count: outcome.items ?? 0 }));
      } else setMessage(outcome.refused === true ? null : t('createTask.invalid'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card sv-form" data-testid="create-task" onSubmit={(e) => void submit(e)}>
      <h2>{t('createTask.title')}</h2>
      <label className="sv-field">
        {t('createTask.titleLabel')}
        <input data-testid="create-task-title" value={title} onChange={(e) => setTitle(e.target.value)} maxLength={500} required />
      </label>
      <label className="sv-field">
        {t('createTask.checklistLabel')}
        <textarea data-testid="create-task-checklist" value={checklist} onChange={(e) => setChecklist(e.target.value)} />
        <span className="muted">{t('createTask.checklistHelp')}</span>
      </label>
      <button type="submit" className="button button-primary" data-testid="create-task-submit" disabled={busy}>
        {t('createTask.submit')}
      </button>
      {message !== null && (
        <p className="muted" role="status" data-testid="create-task-message">
          {message}
        </p>
      )}
    </form>
  );
}
