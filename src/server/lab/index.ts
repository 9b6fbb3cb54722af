// The lab runner and kernel observer, for the companion and the CLI.
export { LabError, LabRun, stopAllRuns, type LabErrorCode, type LabRunOptions, type LabRunSettings, type LabRunSubject, type StepResult } from './run.ts';
export { labAvailability, type LabAvailability } from './availability.ts';
export { runPlan, type PlanRunOptions, type PlanRunResult } from './runPlan.ts';
