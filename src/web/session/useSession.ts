// React's view of the session actor: start it for a lesson, read what panels need.

import { shallowEqual, useActorRef, useSelector } from '@xstate/react';
import { useCallback } from 'react';
import { sessionMachine, type SessionContext, type SessionInput } from './machine.ts';

export type SessionView = Pick<
  SessionContext,
  'mode' | 'notice' | 'header' | 'replay' | 'steps' | 'revision' | 'done' | 'inFlight' | 'problems'
> & { loading: boolean; /** A plan that cannot run here (notice says why). */ unavailable: boolean };

export function useSession(input: SessionInput) {
  const actor = useActorRef(sessionMachine, { input });
  const view = useSelector(
    actor,
    (s): SessionView => ({
      mode: s.context.mode,
      notice: s.context.notice,
      header: s.context.header,
      replay: s.context.replay,
      steps: s.context.steps,
      revision: s.context.revision,
      done: s.context.done,
      inFlight: s.context.inFlight,
      problems: s.context.problems,
      loading: s.matches({ recorded: 'loading' }) || s.matches({ online: 'connecting' }) || s.matches('choosing'),
      unavailable: s.matches({ recorded: 'unavailable' }),
    }),
    shallowEqual,
  );
  const requestStep = useCallback(() => actor.send({ type: 'next' }), [actor]);
  return { view, requestStep };
}
