#!/usr/bin/env node
// Thin launcher: the command line lives in src/cli.ts (compiled to dist/ by `npm run build`).
require('../dist/src/cli.js').main(process.argv);
