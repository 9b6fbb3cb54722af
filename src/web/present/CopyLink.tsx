// "Copy link to this step": the page's URL (lesson, part, step, &present when presenting) to the
// clipboard, said in a polite status; when the clipboard is refused, the link shown selected in
// a read-only field, to copy by hand.

import { useEffect, useRef, useState } from 'react';
import './present.css';
import { shareLink } from './shareLink.ts';

export function CopyLink({ presenting, className }: { presenting: boolean; className?: string }) {
  const [outcome, setOutcome] = useState<{ kind: 'idle' } | { kind: 'copied' } | { kind: 'refused'; link: string }>({ kind: 'idle' });
  const field = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (outcome.kind === 'refused') field.current?.select();
    // "Link copied" has been said (and announced): let it go rather than cover the page.
    if (outcome.kind !== 'copied') return;
    const t = window.setTimeout(() => setOutcome({ kind: 'idle' }), 6000);
    return () => window.clearTimeout(t);
  }, [outcome]);
  const copy = async () => {
    const link = shareLink(window.location.href, presenting);
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(link);
      setOutcome({ kind: 'copied' });
    } catch {
      setOutcome({ kind: 'refused', link });
    }
  };
  return (
    <span className={`copy-link${className ? ` ${className}` : ''}`}>
      <button type="button" data-testid="copy-link" onClick={() => void copy()} title="Copy a link to this step">
        <svg className="tool-icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
          <path d="M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1 M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1" fill="none" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" />
        </svg>
        <span className="tool-label">Copy link</span>
      </button>
      <span className="copy-link-say">
        <span role="status" className="copy-link-status" data-testid="copy-link-status">
          {outcome.kind === 'copied' ? 'Link copied' : outcome.kind === 'refused' ? 'Copy this link by hand:' : ''}
        </span>
        {outcome.kind === 'refused' && (
          <input
            ref={field}
            className="copy-link-field"
            data-testid="copy-link-field"
            type="text"
            readOnly
            value={outcome.link}
            aria-label="Link to this step"
            onFocus={(e) => e.currentTarget.select()}
            onBlur={() => setOutcome({ kind: 'idle' })}
          />
        )}
      </span>
    </span>
  );
}
