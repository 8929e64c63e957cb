// Kept for the blue-green files that import it from here until they move into apps; the one freePort is libs/probes'.
export { freePort } from '@dco/probes';
