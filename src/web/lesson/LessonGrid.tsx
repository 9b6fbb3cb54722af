// The panels of a lesson. At 1280×720 two places hold two panels each, chosen by tabs (the
// part says which comes first): Figure | Packets beside the narration, Source | Event log at
// the bottom right. On a large screen the source and the event log both show.

import { lazy, Suspense, useMemo, useState, type ReactNode } from 'react';
import type { PartViews } from '../../lessons/index.ts';
import type { Replay } from '../../model/index.ts';
import type { ModelSnapshot } from '../../model/types.ts';
import { FigurePanel } from '../panels/Figure.tsx';
import type { SourceFile } from '../panels/Source.tsx';
import { Panel, panelBodyId, ViewTabs } from '../panels/Panel.tsx';
import { useMediaQuery } from './useMediaQuery.ts';

const TcpDiagram = lazy(() => import('../panels/TcpDiagram.tsx'));
const Descriptors = lazy(() => import('../panels/Descriptors.tsx'));
const Processes = lazy(() => import('../panels/Processes.tsx'));
const Source = lazy(() => import('../panels/Source.tsx'));
const EventLog = lazy(() => import('../panels/EventLog.tsx'));
const Sequence = lazy(() => import('../panels/Sequence.tsx'));

/** Wide enough for every panel at once. */
export const WIDE_QUERY = '(min-width: 1600px) and (min-height: 860px)';

type Main = NonNullable<PartViews['main']>;
type Side = NonNullable<PartViews['side']>;
const MAIN_TABS = [
  { id: 'figure', label: 'Figure' },
  { id: 'packets', label: 'Packets' },
] as const;
const SIDE_TABS = [
  { id: 'source', label: 'Source' },
  { id: 'log', label: 'Event log' },
] as const;
const mainPanelId = () => panelBodyId('fig');
const sidePanelId = (id: Side) => panelBodyId(id === 'source' ? 'src' : 'log');

export interface LessonGridProps {
  narration: ReactNode;
  views: PartViews;
  snapshot: ModelSnapshot | null;
  before: ModelSnapshot | null;
  replay: Replay | null;
  revision: number;
  shown: number | null;
  available: number;
  total: number;
  onSeek: (step: number) => void;
  actingRole: string | null;
  waitText: string;
  stepTitle: (step: number) => string;
  /** The source panel's files (the lab's programs unless told: the sandbox shows plan.c). */
  sourceFiles?: readonly SourceFile[];
}

export function LessonGrid(props: LessonGridProps) {
  const { snapshot, before, replay, revision, shown, available, total, onSeek, actingRole, waitText } = props;
  const wide = useMediaQuery(WIDE_QUERY);
  const [main, setMain] = useState<Main>(props.views.main ?? 'figure');
  const [side, setSide] = useState<Side>(props.views.side ?? 'source');
  // Stable elements, so that the memoized panels they are passed to skip renders that change nothing.
  const mainTabs = useMemo(() => <ViewTabs tabs={MAIN_TABS} current={main} onSelect={setMain} label="Figure or packets" panelId={mainPanelId} />, [main]);
  const sideTabs = useMemo(
    () => (wide ? undefined : <ViewTabs tabs={SIDE_TABS} current={side} onSelect={setSide} label="Source or event log" panelId={sidePanelId} />),
    [wide, side],
  );

  return (
    <main className={`grid${wide ? ' wide' : ''}`}>
      {props.narration}
      {main === 'figure' ? (
        <Panel title="Figure" area="fig" switcher={mainTabs} fitsBox>
          {snapshot ? <FigurePanel snapshot={snapshot} focusRole={actingRole} /> : <p className="panel-wait">{waitText}</p>}
        </Panel>
      ) : (
        <Suspense fallback={<Shell title="Packets" area="fig" />}>
          <Sequence replay={replay} revision={revision} snapshot={snapshot} stepTitle={props.stepTitle} switcher={mainTabs} />
        </Suspense>
      )}
      <Suspense fallback={<Shell title="TCP state diagram" area="tcp" />}>
        <TcpDiagram snapshot={snapshot} before={before} />
      </Suspense>
      <Suspense fallback={<Shell title="Processes" area="proc" />}>
        <Processes snapshot={snapshot} />
      </Suspense>
      <Suspense fallback={<Shell title="Descriptors and open files" area="desc" />}>
        <Descriptors snapshot={snapshot} />
      </Suspense>
      {(wide || side === 'source') && (
        <Suspense fallback={<Shell title="Source" area="src" />}>
          <Source snapshot={snapshot} actingRole={actingRole} switcher={sideTabs} files={props.sourceFiles} />
        </Suspense>
      )}
      {(wide || side === 'log') && (
        <Suspense fallback={<Shell title="Event log" area="log" />}>
          <EventLog replay={replay} revision={revision} shown={shown} available={available} total={total} onSeek={onSeek} switcher={sideTabs} />
        </Suspense>
      )}
    </main>
  );
}

function Shell({ title, area }: { title: string; area: string }) {
  return (
    <Panel title={title} area={area}>
      <p className="panel-wait">Loading…</p>
    </Panel>
  );
}
