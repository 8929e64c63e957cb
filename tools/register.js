// Runs TypeScript sources directly (swc, with decorator metadata and the tsconfig path aliases) for npm scripts and child processes.
process.env.SWC_NODE_PROJECT = process.env.SWC_NODE_PROJECT || require('path').join(__dirname, '..', 'tsconfig.json');
require('@swc-node/register');
