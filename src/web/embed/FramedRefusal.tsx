// Drawn instead of the app when a page other than an embedded lesson finds itself in a frame:
// another site could lay it under its own buttons (clickjacking). The companion's headers stop it
// before this; a static build served without headers stops here.

import './embed.css';

export function FramedRefusal({ href }: { href: string }) {
  return (
    <main className="framed-refusal" data-testid="framed-refusal">
      <p>
        forkscope is drawn inside another page only as an embedded lesson (<code>?lesson=…&amp;embed</code>).{' '}
        <a href={href} target="_blank" rel="noopener">
          Open this page in its own tab ↗
        </a>
      </p>
    </main>
  );
}
