// Serves the built web app (dist/). index.html gets this run's token in a meta tag, so
// only pages served by this companion can open its WebSocket. No page may be framed (clickjacking)
// but the index asked for in embed mode (?…&embed), which never carries the token: an embedded
// lesson plays recorded traces and runs nothing.

import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { flagOn } from '../web/url.ts';
import { isLoopback, LIVE_ONLY_HERE } from './guard.ts';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.jsonl': 'application/x-ndjson; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

const BASE_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/** Who may frame what: nobody, for every response but the embed index (also for assets and errors: harmless, and safe). */
const NO_FRAMING = {
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': "frame-ancestors 'none'",
};

const SECURITY_HEADERS = { ...BASE_HEADERS, ...NO_FRAMING };

/** The framing headers of the index: embed mode may be framed by `frameAncestors` (a CSP source list), any other page by nobody. */
export function indexFramingHeaders(embed: boolean, frameAncestors = '*'): Record<string, string> {
  // X-Frame-Options has no "these sites" value that browsers honour (ALLOW-FROM is gone): leave it out and let CSP say who.
  return embed ? { 'Content-Security-Policy': `frame-ancestors ${frameAncestors}` } : { ...NO_FRAMING };
}

/** Which index a request gets: the token only for a page on this machine, never in embed mode; another machine is told why live runs are off. */
export type IndexVariant = 'token' | 'other-machine' | 'plain';

export function indexVariant(search: string, peer: string | undefined): { variant: IndexVariant; embed: boolean } {
  if (flagOn(search, 'embed')) return { variant: 'plain', embed: true };
  return { variant: isLoopback(peer) ? 'token' : 'other-machine', embed: false };
}

/**
 * A `--frame-ancestors` value as a CSP source list, or why not: `*`, `'self'`, schemes (`https:`)
 * and origins (`https://course.example.edu`, `https://*.example.edu:8443`), space-separated.
 * Anything else (a `;` or `,`, quotes, paths) is refused, so it cannot add another directive.
 */
export function parseFrameAncestors(value: string): { ok: true; sources: string } | { ok: false; error: string } {
  const sources = value.trim().split(/\s+/).filter(Boolean);
  if (sources.length === 0) return { ok: false, error: 'no source given (e.g. "https://course.example.edu" or "*")' };
  const source = /^(\*|'self'|'none'|[a-z][a-z0-9+.-]*:|([a-z][a-z0-9+.-]*:\/\/)?(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:(\d{1,5}|\*))?\/?)$/i;
  const bad = sources.find((s) => !source.test(s));
  if (bad !== undefined) return { ok: false, error: `"${bad}" is not a frame-ancestors source (a scheme like https:, an origin like https://course.example.edu, 'self' or *)` };
  if (sources.includes("'none'") && sources.length > 1) return { ok: false, error: "'none' cannot be combined with other sources" };
  return { ok: true, sources: sources.join(' ') };
}

function injectMeta(html: string, name: string, content: string): string {
  const tag = `<meta name="${name}" content="${content}" />`;
  return html.includes('</head>') ? html.replace('</head>', `    ${tag}\n  </head>`) : tag + html;
}

export function injectToken(html: string, token: string): string {
  return injectMeta(html, 'forkscope-token', token);
}

/** The page for another machine says why it gets no live runs (the lesson's notice shows it). */
export function injectOtherMachine(html: string): string {
  return injectMeta(html, 'forkscope-no-live', LIVE_ONLY_HERE);
}

/** Resolve a URL path inside `root`, or null if it escapes it. */
export function resolveInside(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const full = normalize(join(root, decoded));
  return full === root || full.startsWith(root.endsWith(sep) ? root : root + sep) ? full : null;
}

export { isLoopback };

export interface StaticOptions {
  /** Who may frame an embedded lesson: a CSP frame-ancestors source list (default `*`). */
  frameAncestors?: string;
}

export function createStaticHandler(distDir: string, token: string, options: StaticOptions = {}) {
  let cached: { mtimeMs: number; pages: Record<IndexVariant, string> } | null = null;
  /**
   * The page, with the token only for a browser on this machine: live runs start processes here.
   * Re-read when dist/ is rebuilt under a running companion, so it never names assets that are gone.
   */
  async function index(variant: IndexVariant): Promise<string> {
    const file = join(distDir, 'index.html');
    const { mtimeMs } = await stat(file);
    if (!cached || cached.mtimeMs !== mtimeMs) {
      const plain = await readFile(file, 'utf8');
      cached = { mtimeMs, pages: { plain, token: injectToken(plain, token), 'other-machine': injectOtherMachine(plain) } };
    }
    return cached.pages[variant];
  }

  return async function serveStatic(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', ...SECURITY_HEADERS }).end('method not allowed\n');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://placeholder');
    const path = url.pathname;
    if (path === '/' || path === '/index.html') {
      const { variant, embed } = indexVariant(url.search, req.socket.remoteAddress);
      const body = await index(variant);
      res.writeHead(200, {
        'Content-Type': CONTENT_TYPES['.html']!,
        'Cache-Control': 'no-store',
        ...BASE_HEADERS,
        ...indexFramingHeaders(embed, options.frameAncestors),
      });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    const file = resolveInside(distDir, path);
    const info = file ? await stat(file).catch(() => null) : null;
    if (!file || !info?.isFile()) {
      res.writeHead(404, { 'Content-Type': CONTENT_TYPES['.txt']!, ...SECURITY_HEADERS }).end(`not found: ${path}\n`);
      return;
    }
    const type = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
    // Vite fingerprints everything under assets/, so it may be cached for good.
    const cache = path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
    res.writeHead(200, { 'Content-Type': type, 'Content-Length': info.size, 'Cache-Control': cache, ...SECURITY_HEADERS });
    res.end(req.method === 'HEAD' ? undefined : await readFile(file));
  };
}
