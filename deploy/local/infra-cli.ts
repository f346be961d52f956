import type { ComponentStatus } from './component-status';
import { readInfraOptions } from './infra-options';
import { infraDown, infraStatus, infraUp } from './infra';

const USAGE = 'usage: infra up | down | status';

function print(title: string, components: ComponentStatus[]): void {
  process.stdout.write(`${title}\n`);
  for (const c of components) {
    const pid = c.pid ? `pid ${c.pid}` : '';
    process.stdout.write(`  ${c.name.padEnd(9)}${c.state.padEnd(9)}${pid.padEnd(11)}${c.address}\n`);
    for (const detail of c.details) process.stdout.write(`${' '.repeat(31)}${detail}\n`);
  }
}

async function main(command: string | undefined): Promise<void> {
  const options = readInfraOptions();
  switch (command) {
    case 'up':
      print(`voxflow infra up (data in ${options.dataDir}/infra)`, await infraUp(options));
      return;
    case 'down':
      print('voxflow infra down', await infraDown(options));
      return;
    case 'status':
      print('voxflow infra status', await infraStatus(options));
      return;
    default:
      throw new Error(USAGE);
  }
}

main(process.argv[2]).catch((error: unknown) => {
  process.stderr.write(`infra: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
