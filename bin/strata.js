#!/usr/bin/env node
// The built CLI; `npm run build` writes dist/. During development: node --import tsx src/cli/run.ts
import '../dist/src/cli/run.js';
