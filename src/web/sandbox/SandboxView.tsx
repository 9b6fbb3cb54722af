// The sandbox (issue 8): compose a plan, predict it with the model alone, run it for real, and
// compare. Three stages share the top bar: edit (the workbench), predicted, real. The plan is
// always in the URL; one opened from a link runs only when Run is pressed.

import { type ReactNode, useCallback, useEffect, useMemo, useState } from 'react';
import { guessQuestions, scoreGuesses } from '../../plan/guess.ts';
import { summarizeOutcome, type Outcome } from '../../plan/outcome.ts';
import { concurrentPlan } from '../../plan/examples.ts';
import { parsePlan } from '../../plan/parse.ts';
import type { Plan } from '../../plan/types.ts';
import type { Trace } from '../../trace/types.ts';
import { afterPaint } from '../afterPaint.ts';
import { decodePlanParam, sandboxHref } from '../url.ts';
import { ThemeSwitch } from '../theme/ThemeSwitch.tsx';
import { GuessCard, GuessScores, type Answers } from './Guesses.tsx';
import { OutcomeSummary } from './OutcomeSummary.tsx';
import { PlanFiles, usePlanDrop } from './PlanFiles.tsx';
import type { PlanFile } from './planFile.ts';
import { RealRun } from './RealRun.tsx';
import { SavedRun } from './SavedRun.tsx';
import { predict, type PredictedTrace } from './runs.ts';
import { SideCard } from './SideCard.tsx';
import { TraceStage } from './TraceStage.tsx';
import { Workbench } from './Workbench.tsx';

type Stage = { kind: 'edit' } | { kind: 'predicted' } | { kind: 'real'; run: number } | { kind: 'saved' };

function pageToken(): string | null {
  const content = document.querySelector('meta[name="forkscope-token"]')?.getAttribute('content')?.trim();
  return content ? content : null;
}

/** Why the companion gave this page no token, when it says (another machine: live runs only on its own). */
function pageNoLiveReason(): string | null {
  return document.querySelector('meta[name="forkscope-no-live"]')?.getAttribute('content')?.trim() || null;
}

/** The plan a link opens with, or the default one and why the link's was refused. */
function openingPlan(param: string | null): { plan: Plan; problem: string | null } {
  if (param === null) return { plan: concurrentPlan, problem: null };
  const decoded = decodePlanParam(param);
  const parsed = decoded.ok ? parsePlan(decoded.text) : decoded;
  if (parsed.ok) return { plan: parsed.plan, problem: null };
  return { plan: concurrentPlan, problem: `The link's plan was not opened (${parsed.error}); here is an example instead.` };
}

function tryPredict(plan: Plan): { ok: true; run: PredictedTrace } | { ok: false; error: string } {
  try {
    return { ok: true, run: predict(plan) };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

export function SandboxView({ planParam }: { planParam: string | null }) {
  const [opening] = useState(() => openingPlan(planParam));
  const [plan, setPlan] = useState<Plan>(opening.plan);
  const [notice, setNotice] = useState<string | null>(opening.problem);
  const [stage, setStage] = useState<Stage>({ kind: 'edit' });
  const [realTrace, setRealTrace] = useState<Trace | null>(null);
  const check = useMemo(() => parsePlan(plan), [plan]);
  const prediction = useMemo(() => (check.ok ? tryPredict(check.plan) : null), [check]);
  const predicted = prediction?.ok ? prediction.run : null;
  const predictedOutcome = useMemo<Outcome | null>(() => (predicted ? summarizeOutcome(predicted.trace) : null), [predicted]);
  const token = useMemo(pageToken, []);
  const noLive = useMemo(pageNoLiveReason, []);
  const needsCompanion = noLive ? `Running for real: ${noLive}` : 'Running for real needs the companion (npm start)';
  const questions = useMemo(() => (check.ok ? guessQuestions(check.plan) : []), [check]);
  const [answers, setAnswers] = useState<Answers>({});
  const answer = useCallback((id: string, option: string) => setAnswers((a) => ({ ...a, [id]: option })), []);
  const scores = (outcome: Outcome, against: 'real' | 'predicted') => (
    <GuessScores questions={questions} scores={scoreGuesses(questions, answers, outcome)} against={against} />
  );

  useEffect(() => {
    document.title = 'Sandbox — forkscope';
  }, []);
  useEffect(
    () =>
      afterPaint(() => {
        const search = sandboxHref(plan);
        if (search !== window.location.search) window.history.replaceState(window.history.state, '', search);
      }),
    [plan],
  );

  const edit = useCallback((next: Plan) => {
    setPlan(next);
    setRealTrace(null);
  }, []);
  const open = useCallback((file: PlanFile) => {
    setPlan(file.plan);
    setRealTrace(file.trace);
    setNotice(null);
    setStage({ kind: 'edit' });
  }, []);
  const refuse = useCallback((reason: string) => setNotice(reason), []);
  usePlanDrop(open, refuse);

  const ready = check.ok && predicted !== null;
  const bar = (controls: ReactNode, badge: ReactNode) => (
    <header className="topbar sandbox-bar">
      <a className="brand" href="?" title="All lessons">
        forkscope
      </a>
      <div className="titles">
        <h1 className="lesson-title" title={plan.title}>
          Sandbox <span className="sandbox-plan-title">{plan.title}</span>
        </h1>
      </div>
      <nav className="stage-tabs" aria-label="Sandbox">
        <button type="button" aria-pressed={stage.kind === 'edit'} onClick={() => setStage({ kind: 'edit' })}>
          Edit plan
        </button>
        <button
          type="button"
          aria-pressed={stage.kind === 'predicted'}
          disabled={!ready}
          title={check.ok ? 'What the model alone says the plan does' : `Not a plan that can run: ${check.error}`}
          onClick={() => setStage({ kind: 'predicted' })}
          data-testid="predict"
        >
          Predict
        </button>
        <button
          type="button"
          aria-pressed={stage.kind === 'real'}
          disabled={!check.ok || token === null}
          title={token === null ? needsCompanion : 'Run the plan on the real kernel'}
          onClick={() => setStage((s) => ({ kind: 'real', run: s.kind === 'real' ? s.run + 1 : 1 }))}
          data-testid="run-real"
        >
          {stage.kind === 'real' ? 'Run again' : 'Run for real'}
        </button>
        {realTrace && stage.kind !== 'real' && (
          <button type="button" aria-pressed={stage.kind === 'saved'} onClick={() => setStage({ kind: 'saved' })} data-testid="saved-run" title="The real run kept with this plan">
            Real run
          </button>
        )}
      </nav>
      {badge}
      {controls}
      <ThemeSwitch compact />
    </header>
  );

  const problem = notice && (
    <p className="home-problem sandbox-problem" role="alert" data-testid="sandbox-notice">
      {notice}{' '}
      <button type="button" className="notice-hide" onClick={() => setNotice(null)} aria-label="Hide this notice">
        ✕
      </button>
    </p>
  );
  const predictFailed = prediction && !prediction.ok && (
    <p className="home-problem sandbox-problem" role="alert">
      The model could not predict this plan: {prediction.error}
    </p>
  );

  return (
    <div className="lesson sandbox">
      {stage.kind === 'edit' && (
        <>
          {bar(null, null)}
          {problem}
          {predictFailed}
          <Workbench
            plan={plan}
            check={check}
            onChange={edit}
            aside={
              <>
                {token === null && (
                  <p className="plan-hint">
                    {noLive ? (
                      <>Running for real: {noLive}. The prediction works here too.</>
                    ) : (
                      <>
                        Running for real needs the companion (<code>npm start</code>); the prediction works anywhere.
                      </>
                    )}
                  </p>
                )}
                <PlanFiles plan={plan} trace={realTrace} onOpen={open} onRefuse={refuse} />
                <GuessCard questions={questions} answers={answers} onAnswer={answer} />
              </>
            }
          />
        </>
      )}
      {stage.kind === 'predicted' && predicted && (
        <TraceStage
          key="predicted"
          plan={plan}
          replay={predicted.replay}
          revision={1}
          total={predicted.replay.stepCount}
          available={predicted.replay.stepCount}
          liveMore={false}
          inFlight={false}
          requestStep={() => undefined}
          initialStep={0}
          waitText="Predicting…"
          bar={(controls) => bar(controls, <span className="mode-badge predicted" data-testid="mode-badge">predicted</span>)}
          side={(shown) => (
            <SideCard plan={plan} replay={predicted.replay} step={shown} kind="predicted">
              {predictedOutcome && shown === predicted.replay.stepCount - 1 && (
                <>
                  <OutcomeSummary outcome={predictedOutcome} kind="predicted" />
                  {scores(predictedOutcome, 'predicted')}
                </>
              )}
            </SideCard>
          )}
        />
      )}
      {stage.kind === 'saved' && realTrace && (
        <SavedRun
          plan={plan}
          trace={realTrace}
          predicted={predicted?.trace ?? null}
          bar={(controls) => bar(controls, <span className="mode-badge live" data-testid="mode-badge">real</span>)}
          after={(outcome) => scores(outcome, 'real')}
        />
      )}
      {stage.kind === 'real' && token !== null && (
        <RealRun
          key={stage.run}
          plan={plan}
          token={token}
          predicted={predicted?.trace ?? null}
          bar={bar}
          after={(outcome, trace) => (
            <>
              {scores(outcome, 'real')}
              <KeepTrace trace={trace} onKeep={setRealTrace} />
            </>
          )}
        />
      )}
    </div>
  );
}

/** Remember the real run's trace (for export) once it is complete. */
function KeepTrace({ trace, onKeep }: { trace: Trace; onKeep: (t: Trace) => void }) {
  useEffect(() => onKeep(trace), [trace, onKeep]);
  return null;
}
