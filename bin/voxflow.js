#!/usr/bin/env node
// The `voxflow` command: the compiled CLI (run `npm run build` first in a source checkout).
require('../dist/apps/cli/main.js');
