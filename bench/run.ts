import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

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
const { status } = spawnSync(process.execPath, [script, ...args], { stdio: 'inherit' });
process.exit(status ?? 1);
