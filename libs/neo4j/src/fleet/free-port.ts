// Kept for the blue-green files that import it from here until they move into apps; the one freePort is libs/runtime's.
export { freePort } from '@dco/runtime';
