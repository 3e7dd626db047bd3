/**
 * The worker's home (`/`): Now Working (one live timer per open session),
 * my tasks and the open pool. `WorkHome` reads the hooks and the model;
 * `WorkHomeView`, `NowWorkingList` and `TaskCard` only render what they are
 * given, so tests render them with plain props.
 */
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { taskStatusFor } from '@stint/shared';
import { formatDuration } from '../shell/format.ts';
import { useNow, useView } from '../stint-context.tsx';
import { taskBadge } from './labels.ts';
import type { TaskAction } from './labels.ts';
import type { TaskCardModel } from './task-card-model.ts';
import { useActor, useTaskAction } from './use-worker.ts';
import { workHomeModel } from './work-home-model.ts';
import type { NowWorkingEntry, WorkHomeModel } from './work-home-model.ts';
import './worker.css';

export function WorkHome(): ReactNode {
  const view = useView();
  const actor = useActor();
  const now = useNow(1000);
  const onAction = useTaskAction();
  return <WorkHomeView model={workHomeModel(view, actor, now)} onAction={onAction} />;
}

export function WorkHomeView(props: { model: WorkHomeModel; onAction: (action: TaskAction, taskId: string) => void }): ReactNode {
  const { t } = useTranslation('worker');
  const { model, onAction } = props;
  return (
    <section className="view" aria-labelledby="work-title" data-testid="work-home">
      <h1 id="work-title" className="visually-hidden">
        {t('home.title')}
      </h1>
      <h2>{t('home.nowWorking')}</h2>
      <NowWorkingList entries={model.nowWorking} onPause={(taskId) => onAction('pause', taskId)} />
      <h2>{t('home.myTasks')}</h2>
      <TaskList testId="my-tasks" cards={model.myTasks} empty={t('home.myTasksEmpty')} onAction={onAction} />
      <h2>{t('home.openPool')}</h2>
      <TaskList testId="open-pool" cards={model.openPool} empty={t('home.openPoolEmpty')} onAction={onAction} />
    </section>
  );
}

/** One card per open session of mine, each with its live timer and a Pause button. */
export function NowWorkingList(props: { entries: readonly NowWorkingEntry[]; onPause: (taskId: string) => void }): ReactNode {
  const { t } = useTranslation('worker');
  if (props.entries.length === 0) {
    return (
      <p className="empty" data-testid="now-working" data-count={0}>
        {t('home.nowWorkingEmpty')}
      </p>
    );
  }
  return (
    <ul className="cards cards-grid" data-testid="now-working" data-count={props.entries.length}>
      {props.entries.map((entry) => (
        <li key={entry.taskId} className="card now-working-entry" data-testid="now-working-entry" data-task-id={entry.taskId}>
          <Link href={`/tasks/${encodeURIComponent(entry.taskId)}`} className="card-title card-link">
            {entry.title ?? t('home.unknownTask', { id: entry.taskId })}
          </Link>
          <span className="timer" data-testid="timer" role="timer">
            {formatDuration(entry.elapsedMs)}
          </span>
          <div className="card-actions">
            <button type="button" className="button button-wide" data-testid="pause" onClick={() => props.onPause(entry.taskId)}>
              {t('action.pause')}
            </button>
          </div>
        </li>
      ))}
    </ul>
  );
}

function TaskList(props: {
  testId: string;
  cards: readonly TaskCardModel[];
  empty: string;
  onAction: (action: TaskAction, taskId: string) => void;
}): ReactNode {
  if (props.cards.length === 0) {
    return (
      <p className="empty" data-testid={props.testId} data-count={0}>
        {props.empty}
      </p>
    );
  }
  return (
    <ul className="cards cards-grid" data-testid={props.testId} data-count={props.cards.length}>
      {props.cards.map((card) => (
        <TaskCard key={card.id} card={card} onAction={props.onAction} />
      ))}
    </ul>
  );
}

/** The order actions appear in, primary (the one a thumb wants most) last, nearest the bottom edge. */
const ACTION_ORDER: readonly TaskAction[] = ['release', 'complete', 'claim', 'pause', 'start'];

export function TaskCard(props: { card: TaskCardModel; onAction: (action: TaskAction, taskId: string) => void }): ReactNode {
  const { t } = useTranslation('worker');
  const { card } = props;
  const shown = card.checklist === null ? card.status : taskStatusFor(card.checklist.derived, card.status);
  const actions = ACTION_ORDER.filter((action) => card.actions[action]);
  return (
    <li className="card" data-testid="task-card" data-task-id={card.id} data-status={card.status} data-work-state={card.workState}>
      <Link href={`/tasks/${encodeURIComponent(card.id)}`} className="card-title card-link" data-testid="task-link">
        {card.title}
      </Link>
      <div className="task-meta">
        <span className={taskBadge(shown)} data-testid="status-badge">
          {t(`status.${shown}`)}
        </span>
        {card.checklist !== null && (
          <span className="badge badge-info" data-testid="derived-badge">
            {t('task.derived', { done: card.checklist.done, count: card.checklist.total })}
          </span>
        )}
        {(card.claimedByMe || card.elapsedMs > 0) && (
          <span className={card.running ? 'timer' : 'muted'} data-testid="task-elapsed">
            {formatDuration(card.elapsedMs)}
          </span>
        )}
      </div>
      {actions.length > 0 && (
        <div className="card-actions">
          {actions.map((action) => (
            <button
              key={action}
              type="button"
              className={actionClass(action)}
              data-testid={action}
              onClick={() => props.onAction(action, card.id)}
            >
              {t(`action.${action}`)}
            </button>
          ))}
        </div>
      )}
    </li>
  );
}

export function actionClass(action: TaskAction): string {
  switch (action) {
    case 'start':
    case 'claim':
      return 'button button-primary';
    case 'complete':
      return 'button button-ok';
    case 'pause':
    case 'release':
      return 'button';
    default: {
      const never: never = action;
      return never;
    }
  }
}
