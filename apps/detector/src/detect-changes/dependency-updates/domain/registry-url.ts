// The package registry's base URL (DCO_NPM_REGISTRY_URL), validated at boot. Pure.

/** What the `aws` profile asks when DCO_NPM_REGISTRY_URL is unset. */
export const PUBLIC_NPM_REGISTRY = 'https://registry.npmjs.org';

/**
 * http(s), a host, an optional path; no credentials (they would end up in logs and messages: a private registry's token
 * is not configured here), no query or fragment. Returns it without a trailing slash.
 */
export function parseRegistryUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`DCO_NPM_REGISTRY_URL must be an http(s) URL such as ${PUBLIC_NPM_REGISTRY}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error('DCO_NPM_REGISTRY_URL must use http or https');
  }
  if (url.username || url.password) throw new Error('DCO_NPM_REGISTRY_URL must not carry credentials');
  if (url.search || url.hash) throw new Error('DCO_NPM_REGISTRY_URL must have no query or fragment');
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}
