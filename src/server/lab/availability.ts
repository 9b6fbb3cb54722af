// Whether live runs can work on this machine, and if not, what to do about it.

import { accessSync, constants } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface LabAvailability {
  live: boolean;
  /** When live is false: what is missing and what to install or run. */
  reason: string | null;
  /** Where the compiled lab programs are (build/lab). */
  labDir: string;
}

/** The compiled programs a live run needs (scripts/build-lab.ts builds them). */
export const LAB_PROGRAMS = ['server', 'client', 'reaper', 'sockdiag'] as const;
/** The program that runs every role of a sandbox plan (src/lab/sandbox.c): plans need it too. */
export const SANDBOX_PROGRAM = 'sandbox';
export type LabProgram = (typeof LAB_PROGRAMS)[number] | typeof SANDBOX_PROGRAM;

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const LAB_DIR = join(ROOT, 'build/lab');

export function labPath(program: LabProgram, labDir = LAB_DIR): string {
  return join(labDir, program);
}

export function labAvailability(labDir = LAB_DIR): LabAvailability {
  if (process.platform !== 'linux') {
    return {
      live: false,
      reason: `live runs need Linux: the kernel observer reads /proc and asks the kernel through netlink sock_diag, and this is ${process.platform}`,
      labDir,
    };
  }
  const missing = LAB_PROGRAMS.filter((p) => {
    try {
      accessSync(labPath(p, labDir), constants.X_OK);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length > 0) {
    return {
      live: false,
      reason: `the C lab is not built (${missing.map((p) => `build/lab/${p}`).join(', ')} missing): install a C compiler (apt-get install gcc) and run npm run build:lab`,
      labDir,
    };
  }
  return { live: true, reason: null, labDir };
}

/** Whether sandbox plans can run here: live runs, and the sandbox program built. */
export function sandboxAvailability(labDir = LAB_DIR): LabAvailability {
  const lab = labAvailability(labDir);
  if (!lab.live) return lab;
  try {
    accessSync(labPath(SANDBOX_PROGRAM, labDir), constants.X_OK);
    return lab;
  } catch {
    return { live: false, reason: 'the C lab\'s sandbox program is not built (build/lab/sandbox missing): run npm run build:lab', labDir };
  }
}
