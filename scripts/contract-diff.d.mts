// Types of scripts/contract-diff.mjs, for the tests that import it.
export interface Released {
  version: string;
  document: unknown;
}
export interface BreakingChange {
  path: string;
  description: string;
}
export const releasedDir: string;
export function lastReleased(dir?: string): Released;
export function breakingChanges(released: unknown, current: unknown): BreakingChange[];
export function checkContract(
  released: Released,
  current: unknown,
): { breaking: BreakingChange[]; majorBumped: boolean; ok: boolean };
