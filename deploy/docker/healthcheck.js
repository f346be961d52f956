#!/usr/bin/env node
// Container HEALTHCHECK: exits 0 when the URL answers 2xx within 4 s, 1 otherwise (the image has no curl).
'use strict';

const url = process.argv[2];
if (!url) {
  process.stderr.write('usage: healthcheck.js URL\n');
  process.exit(2);
}

fetch(url, { signal: AbortSignal.timeout(4_000) })
  .then((response) => {
    process.stdout.write(`${response.status} ${url}\n`);
    process.exit(response.ok ? 0 : 1);
  })
  .catch((error) => {
    process.stderr.write(`unhealthy: ${url}: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
