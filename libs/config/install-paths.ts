import { basename, join } from 'node:path';

/**
 * The installation's root: the folder holding package.json, dist/ and web/. This file runs from
 * libs/config in the sources (tests) and from dist/libs/config once built (apps, the image).
 */
const up = join(__dirname, '..', '..');
export const INSTALL_ROOT = basename(up) === 'dist' ? join(up, '..') : up;

/** Where the build writes compiled code and the workflow bundles. */
export const DIST_DIR = join(INSTALL_ROOT, 'dist');
