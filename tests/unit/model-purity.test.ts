// src/model runs in Node and in the browser: it may import only itself, the trace contract and xstate.

import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../src/', import.meta.url));
const files = [
  ...readdirSync(`${root}model`)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => `model/${f}`),
  'trace/parse.ts',
  'trace/callFold.ts',
];

describe('the model is plain TypeScript', () => {
  for (const file of files) {
    it(`${file} imports no React, DOM or ws`, () => {
      const text = readFileSync(`${root}${file}`, 'utf8');
      const specifiers = [...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'/gm)].map((m) => m[1]!);
      for (const s of specifiers) expect(s, `${file} imports ${s}`).toMatch(/^(\.\/|\.\.\/trace\/|xstate$)/);
      expect(text).not.toMatch(/\b(window|document|localStorage|navigator)\./);
      // Node's `process` global (a module named process.ts is fine).
      expect(text).not.toMatch(/\bprocess\.(?!ts\b)|from 'node:/);
    });
  }
});
