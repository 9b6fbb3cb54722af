// Serves the built web app (dist/). index.html gets this run's token in a meta tag, so
// only pages served by this companion can open its WebSocket.

import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

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

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

export function injectToken(html: string, token: string): string {
  const tag = `<meta name="forkscope-token" content="${token}" />`;
  return html.includes('</head>') ? html.replace('</head>', `    ${tag}\n  </head>`) : tag + html;
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

/** Whether a peer address is this machine's loopback (IPv4, IPv6, or IPv4-mapped). */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4.startsWith('127.') || address === '::1';
}

export function createStaticHandler(distDir: string, token: string) {
  let cached: { mtimeMs: number; plain: string; withToken: string } | null = null;
  /**
   * The page, with the token only for a browser on this machine: live runs start processes here.
   * Re-read when dist/ is rebuilt under a running companion, so it never names assets that are gone.
   */
  async function index(forLoopbackPeer: boolean): Promise<string> {
    const file = join(distDir, 'index.html');
    const { mtimeMs } = await stat(file);
    if (!cached || cached.mtimeMs !== mtimeMs) {
      const plain = await readFile(file, 'utf8');
      cached = { mtimeMs, plain, withToken: injectToken(plain, token) };
    }
    return forLoopbackPeer ? cached.withToken : cached.plain;
  }

  return async function serveStatic(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', ...SECURITY_HEADERS }).end('method not allowed\n');
      return;
    }
    const path = new URL(req.url ?? '/', 'http://placeholder').pathname;
    if (path === '/' || path === '/index.html') {
      const body = await index(isLoopback(req.socket.remoteAddress));
      res.writeHead(200, { 'Content-Type': CONTENT_TYPES['.html']!, 'Cache-Control': 'no-store', ...SECURITY_HEADERS });
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
