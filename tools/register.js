// Runs TypeScript sources directly (swc, with decorator metadata and the tsconfig path aliases) for npm scripts and child processes.
process.env.SWC_NODE_PROJECT = process.env.SWC_NODE_PROJECT || require('path').join(__dirname, '..', 'tsconfig.json');
// V8's code cache on disk (under the OS temp dir, keyed by each module's content): a service process loads in about
// 0.75 s instead of 1.05 s, and the e2e level starts a few hundred of them. NODE_COMPILE_CACHE (a directory) overrides.
require('module').enableCompileCache?.();
require('@swc-node/register');
