// Sharing a plan: a link (the plan is in the URL), a file to download (with its trace when a run
// exists), a file to open by the picker or by dropping it anywhere on the page. A file that is
// not a plan is refused with parsePlan's reason, and the current plan stays.

import { useEffect, useRef, useState } from 'react';
import type { Plan } from '../../plan/types.ts';
import type { Trace } from '../../trace/types.ts';
import { planFileName, readPlanFile, writePlanFile, type PlanFile } from './planFile.ts';

export interface PlanFilesProps {
  plan: Plan;
  /** The trace to save with the plan (the real run's, else none). */
  trace: Trace | null;
  onOpen: (file: PlanFile) => void;
  onRefuse: (reason: string) => void;
}

async function readFile(file: File, onOpen: PlanFilesProps['onOpen'], onRefuse: PlanFilesProps['onRefuse']) {
  if (file.size > 4 * 1024 * 1024) return onRefuse(`${file.name}: larger than 4 MiB, not a plan file`);
  const result = readPlanFile(await file.text());
  if (result.ok) onOpen(result);
  else onRefuse(`${file.name} was not opened: ${result.error}`);
}

/** Files dropped anywhere on the page open as plans. */
export function usePlanDrop(onOpen: PlanFilesProps['onOpen'], onRefuse: PlanFilesProps['onRefuse']) {
  const handlers = useRef({ onOpen, onRefuse });
  handlers.current = { onOpen, onRefuse };
  useEffect(() => {
    const hasFiles = (e: DragEvent) => e.dataTransfer?.types.includes('Files') ?? false;
    const over = (e: DragEvent) => {
      if (hasFiles(e)) e.preventDefault();
    };
    const drop = (e: DragEvent) => {
      const file = e.dataTransfer?.files[0];
      if (!file) return;
      e.preventDefault();
      void readFile(file, handlers.current.onOpen, handlers.current.onRefuse);
    };
    window.addEventListener('dragover', over);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('drop', drop);
    };
  }, []);
}

export function PlanFiles({ plan, trace, onOpen, onRefuse }: PlanFilesProps) {
  const [copied, setCopied] = useState(false);
  const download = () => {
    const blob = new Blob([writePlanFile(plan, trace)], { type: 'application/json' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = planFileName(plan);
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  const copyLink = () => {
    void navigator.clipboard?.writeText(window.location.href).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  };
  return (
    <div className="plan-files" role="group" aria-label="Share the plan">
      <button type="button" onClick={download} data-testid="export-plan">
        Export{trace ? ' plan and trace' : ' plan'}
      </button>
      <label className="file-pick">
        Import…
        <input
          type="file"
          accept=".json,application/json"
          data-testid="import-plan"
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) void readFile(file, onOpen, onRefuse);
          }}
        />
      </label>
      <button type="button" onClick={copyLink} title="The plan is in the page's address: share it">
        {copied ? 'Link copied' : 'Copy link'}
      </button>
      <span className="files-hint">or drop a plan file on the page</span>
    </div>
  );
}
