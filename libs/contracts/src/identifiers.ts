// Strict patterns of the identifiers that reach a file path, an object key or a command, and the one path join that
// refuses to leave its root: an id from a message can never name a file outside the directory it belongs to.
import { isAbsolute, relative, resolve } from 'node:path';
import { CodedError } from './errors';

/** A Terraform plan id (ApplyInfra.approvedPlanId, InfraApprovalRequired.plan.planId): a file name stem. */
export const PLAN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}(\.[A-Za-z0-9_-]{1,63}){0,3}$/;

/**
 * `root` joined with `parts`, or PATH.OUTSIDE_ROOT when the result is not inside `root` (`..`, an absolute part, a
 * separator smuggled into an id). The parts are not checked for meaning, only for where they lead.
 */
export function pathWithin(root: string, ...parts: string[]): string {
  const base = resolve(root);
  const path = resolve(base, ...parts);
  const rest = relative(base, path);
  if (rest === '' || rest === '..' || rest.startsWith(`..${'/'}`) || rest.startsWith('..\\') || isAbsolute(rest))
    throw new CodedError('PATH.OUTSIDE_ROOT', `${JSON.stringify(parts.join('/')).slice(0, 200)} leaves ${base}`);
  return path;
}
