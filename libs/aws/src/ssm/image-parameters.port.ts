// Images published as SSM parameters: an owner (AWS, Canonical, a vendor, or the operator's own pipeline) keeps
// /path/.../<variant> = ami-... current, so "the newest supported image" is read there instead of guessed from names.
import { ConfigError } from '@dco/contracts';

export interface PublishedImageId {
  /** The full parameter name, e.g. /aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id. */
  parameter: string;
  imageId: string;
}

export interface ImageParameters {
  /**
   * The AMI ids held by the parameter `path` names, or by every parameter under it (recursively). Values that are not
   * AMI ids are left out; a path with nothing under it answers an empty list (the caller decides whether that is an error).
   */
  imageIdsUnder(path: string): Promise<PublishedImageId[]>;
}

export const AMI_ID = /^ami-[0-9a-f]{8,17}$/;

/** SSM's hierarchy: at most 15 levels, names of letters, digits, . _ -; the full name at most 1011 characters. */
const SSM_PATH = /^(\/[A-Za-z0-9_.-]+){1,15}\/?$/;
const SSM_PATH_MAX = 1011;

/** Validates an SSM parameter path or name (DCO_NEO4J_AMI_SSM_PATH); throws ConfigError (CONFIG.INVALID) naming it. */
export function parseImageParameterPath(text: string, variable = 'DCO_NEO4J_AMI_SSM_PATH'): string {
  const path = text.trim();
  if (path.length > SSM_PATH_MAX || !SSM_PATH.test(path)) {
    throw new ConfigError(
      `${variable} "${text.slice(0, 80)}" is not an SSM parameter path: /segment[/segment...] (letters, digits, . _ -; at most 15 levels, ${SSM_PATH_MAX} characters)`,
    );
  }
  return path;
}
