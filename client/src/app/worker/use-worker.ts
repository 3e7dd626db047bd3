/**
 * What every worker container needs from the runtime: who I am as a rule
 * actor, and `act` for task actions. Reads the hooks of stint-context.tsx;
 * never calls REST to change anything (every change is an intent).
 */
import { useCallback, useMemo } from 'react';
import type { Actor } from '@stint/shared';
import { useAct, useSignIn } from '../stint-context.tsx';
import { taskIntent } from './labels.ts';
import type { TaskAction } from './labels.ts';

export function useActor(): Actor {
  const { user } = useSignIn();
  return useMemo(() => ({ user_id: user.id, role: user.role }), [user.id, user.role]);
}

/** `(action, taskId) => void`: journals the action's intent (a refusal shows in the notice line). */
export function useTaskAction(): (action: TaskAction, taskId: string) => void {
  const act = useAct();
  return useCallback(
    (action, taskId) => {
      const intent = taskIntent(action, taskId);
      void act(intent.kind, intent.args);
    },
    [act],
  );
}
