/**
 * One task (`/tasks/:id`): status, work state, my live time, start/pause,
 * manual status buttons for atomic tasks or the "derived from n of m" badge,
 * the checklist (one big tap target per item plus its four statuses),
 * complete and release. `TaskDetailView` renders a model with callbacks.
 */
import type { ReactNode } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { ChecklistStatus, taskStatusFor } from '@stint/shared';
import type { TaskStatus, UserRow } from '@stint/shared';
import { formatDuration } from '../shell/format.ts';
import { useAct, useNow, useUsers, useView } from '../stint-context.tsx';
import { itemStatusKey, taskBadge } from './labels.ts';
import type { TaskAction } from './labels.ts';
import { tapTarget, taskDetailModel } from './task-detail-model.ts';
import type { ChecklistItemModel, TaskDetailModel } from './task-detail-model.ts';
import { useActor, useTaskAction } from './use-worker.ts';
import { actionClass } from './WorkHome.tsx';
import './worker.css';

export function TaskDetail(props: { id: string }): ReactNode {
  const view = useView();
  const actor = useActor();
  const now = useNow(1000);
  const users = useUsers();
  const act = useAct();
  const onAction = useTaskAction();
  return (
    <TaskDetailView
      model={taskDetailModel(view, actor, now, props.id)}
      me={actor.user_id}
      users={users}
      onAction={onAction}
      onSetStatus={(status) => void act('task.set_status', { task_id: props.id, status })}
      onSetItem={(itemId, status) => void act('checklist.set_status', { checklist_item_id: itemId, status })}
    />
  );
}

export interface TaskDetailViewProps {
  readonly model: TaskDetailModel | null;
  readonly me: string;
  readonly users: ReadonlyMap<string, UserRow>;
  readonly onAction: (action: TaskAction, taskId: string) => void;
  readonly onSetStatus: (status: TaskStatus) => void;
  readonly onSetItem: (itemId: string, status: ChecklistStatus) => void;
}

const ACTION_ORDER: readonly TaskAction[] = ['release', 'complete', 'claim', 'pause', 'start'];

export function TaskDetailView(props: TaskDetailViewProps): ReactNode {
  const { t } = useTranslation('worker');
  const { model } = props;
  if (model === null) {
    return (
      <section className="view" data-testid="task-detail">
        <BackLink />
        <p className="empty">{t('task.notFound')}</p>
      </section>
    );
  }
  const shown = model.checklist === null ? model.status : taskStatusFor(model.checklist.derived, model.status);
  const actions = ACTION_ORDER.filter((action) => model.actions[action]);
  return (
    <section className="view" aria-labelledby="task-title" data-testid="task-detail" data-task-id={model.id} data-status={model.status}>
      <BackLink />
      <h1 id="task-title">{model.title}</h1>
      <div className="card">
        <div className="task-meta">
          <span className={taskBadge(shown)} data-testid="status-badge">
            {t('task.status')}: {t(`status.${shown}`)}
          </span>
          <span className="badge" data-testid="work-state">
            {t(`workState.${model.workState}`)}
          </span>
          {model.checklist !== null && (
            <span className="badge badge-info" data-testid="derived-badge">
              {t('task.derived', { done: model.checklist.done, count: model.checklist.total })}
            </span>
          )}
        </div>
        <div className="muted">{claimText(t, model, props.me, props.users)}</div>
        <div className="row">
          <span className="muted">{t('task.myTime')}</span>
          <span className="timer" data-testid="task-elapsed" role="timer">
            {formatDuration(model.elapsedMs)}
          </span>
        </div>
        {actions.length > 0 && (
          <div className="card-actions">
            {actions.map((action) => (
              <button key={action} type="button" className={actionClass(action)} data-testid={action} onClick={() => props.onAction(action, model.id)}>
                {t(`action.${action}`)}
              </button>
            ))}
          </div>
        )}
      </div>
      {model.statusOptions.length > 0 && (
        <div className="card" data-testid="status-options">
          <div className="card-title">{t('task.setStatus')}</div>
          <div className="segmented" role="group" aria-label={t('task.setStatus')}>
            {model.statusOptions.map((option) => (
              <button
                key={option.status}
                type="button"
                className="button"
                aria-pressed={option.current}
                disabled={!option.allowed}
                data-testid={`set-status-${option.status}`}
                onClick={() => props.onSetStatus(option.status)}
              >
                {t(`status.${option.status}`)}
              </button>
            ))}
          </div>
        </div>
      )}
      {model.items.length > 0 && (
        <>
          <h2>{t('task.checklist')}</h2>
          <ul className="cards" data-testid="checklist">
            {model.items.map((item) => (
              <ChecklistItem key={item.id} item={item} onSet={(status) => props.onSetItem(item.id, status)} />
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function ChecklistItem(props: { item: ChecklistItemModel; onSet: (status: ChecklistStatus) => void }): ReactNode {
  const { t } = useTranslation('worker');
  const { item } = props;
  const tap = tapTarget(item);
  return (
    <li className="card checklist-item" data-testid="checklist-item" data-item-id={item.id} data-status={item.status}>
      <div className="row">
        <span className="checklist-title card-title">{item.title}</span>
        <span className="spacer" />
        <span className="badge">{t(`item.${itemStatusKey(item.status)}`)}</span>
      </div>
      {tap !== null && (
        <button
          type="button"
          className={tap.status === ChecklistStatus.done ? 'button button-ok button-wide checklist-tap' : 'button button-wide checklist-tap'}
          disabled={!tap.allowed}
          data-testid="check-item"
          onClick={() => props.onSet(tap.status)}
        >
          {tap.status === ChecklistStatus.done ? t('action.markDone') : t('action.reopen')}
        </button>
      )}
      <div className="segmented" role="group" aria-label={t('task.checklistStatus')}>
        {item.options.map((option) => (
          <button
            key={option.status}
            type="button"
            className="button"
            aria-pressed={option.current}
            disabled={!option.allowed}
            data-testid={`item-status-${option.status}`}
            onClick={() => props.onSet(option.status)}
          >
            {t(`item.${itemStatusKey(option.status)}`)}
          </button>
        ))}
      </div>
    </li>
  );
}

function claimText(t: TFunction<'worker'>, model: TaskDetailModel, me: string, users: ReadonlyMap<string, UserRow>): string {
  if (model.claimedBy === null) return t('task.unclaimed');
  if (model.claimedBy === me) return t('task.claimedByMe');
  const name = users.get(model.claimedBy)?.name;
  return name === undefined ? t('task.claimedBySomeone') : t('task.claimedBy', { name });
}

function BackLink(): ReactNode {
  const { t } = useTranslation('worker');
  return (
    <Link href="/" className="back-link">
      ← {t('task.back')}
    </Link>
  );
}
