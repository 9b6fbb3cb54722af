// Which Chromium the browser tests drive, in this order: an explicit environment variable,
// Playwright's own download (`npx playwright install chromium`), then the system's Chromium.

import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

const SYSTEM_CHROMIUMS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/snap/bin/chromium'];

export interface BrowserChoice {
  executablePath: string | undefined;
  source: string;
}

export function findChromium(env: NodeJS.ProcessEnv = process.env): BrowserChoice {
  const explicit = env.FORKSCOPE_CHROMIUM ?? env.CHROMIUM_PATH;
  if (explicit) {
    if (!existsSync(explicit)) {
      throw new Error(`FORKSCOPE_CHROMIUM is "${explicit}", but no file is there. Point it at a Chromium or Chrome binary.`);
    }
    return { executablePath: explicit, source: 'FORKSCOPE_CHROMIUM' };
  }
  let bundled: string | undefined;
  try {
    bundled = chromium.executablePath();
  } catch {
    bundled = undefined;
  }
  if (bundled && existsSync(bundled)) return { executablePath: undefined, source: "Playwright's Chromium" };
  const system = SYSTEM_CHROMIUMS.find((p) => existsSync(p));
  if (system) return { executablePath: system, source: system };
  throw new Error(
    'No Chromium found for the browser tests. Install one: `npx playwright install chromium`, ' +
      'or `apt-get install -y chromium`, or set FORKSCOPE_CHROMIUM=/path/to/chrome.',
  );
}
