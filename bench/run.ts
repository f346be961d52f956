import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { localMediaToolsEnv } from '../deploy/local/local-media-tools';

/** `npm run bench -- NAME [args]`: runs bench/NAME.bench.ts (compiled), which prints its figures. */
const [name, ...args] = process.argv.slice(2);
const available = readdirSync(__dirname)
  .filter((f) => f.endsWith('.bench.js'))
  .map((f) => f.replace('.bench.js', ''));
if (!name || !available.includes(name)) {
  process.stderr.write(`usage: npm run bench -- NAME [args]\navailable: ${available.join(', ')}\n`);
  process.exit(2);
}
const script = join(__dirname, `${name}.bench.js`);
if (!existsSync(script)) process.exit(2);
// Benchmarks run the local stack's media tools, as `npm start` does.
const env = { ...process.env, ...localMediaToolsEnv() };
const { status } = spawnSync(process.execPath, [script, ...args], { stdio: 'inherit', env });
process.exit(status ?? 1);
