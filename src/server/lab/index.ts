// The lab runner and kernel observer, for the companion and the CLI.
export { LabError, LabRun, stopAllRuns, type LabErrorCode, type LabRunOptions } from './run.ts';
export { labAvailability, type LabAvailability } from './availability.ts';
