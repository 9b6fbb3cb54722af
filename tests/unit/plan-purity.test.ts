// src/plan runs in Node and in the browser: it may import only itself, the model and the trace contract.

import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dir = fileURLToPath(new URL('../../src/plan/', import.meta.url));

describe('the plan modules are plain TypeScript', () => {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    it(`${file} imports no React, DOM or ws`, () => {
      const text = readFileSync(`${dir}${file}`, 'utf8');
      const specifiers = [...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'/gm)].map((m) => m[1]!);
      for (const s of specifiers) expect(s, `${file} imports ${s}`).toMatch(/^(\.\/|\.\.\/model\/|\.\.\/trace\/)/);
      expect(text).not.toMatch(/\b(window|document|localStorage|navigator)\./);
    });
  }
});
