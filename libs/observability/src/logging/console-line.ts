// The human console line shared by the live run log (npm start, dco day) and the human log format: time, run, source, text.

/** `07:00:12 dco-2026-11-26     infra-deployer text`: fixed columns, so a day's lines read as one table. */
export function consoleLine(at: string, runId: string | undefined, source: string, text: string): string {
  return `${at.slice(11, 19)} ${(runId ?? '-').padEnd(18)} ${source.padEnd(14)} ${text}`;
}
