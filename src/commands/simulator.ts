/**
 * `npm run sim`: the Genesys simulator standalone (see src/sim/main.ts for its flags), for
 * pointing `sync`, `backfill` or the worker at a fake org by hand. Wiring only.
 */
import type { Config } from '../config.ts';
import { EXIT } from '../exit-codes.ts';
import type { Logger } from '../logger.ts';
import { UsageError } from './usage-error.ts';

export async function simulatorCommand(argv: string[], _config: Config, _logger: Logger): Promise<number> {
  const { runSimulatorCli } = await import('../sim/main.ts');
  try {
    await runSimulatorCli(argv);
  } catch (error) {
    // parseArgs and the flag checks throw TypeError/Error with the usage text: a usage problem.
    if (error instanceof TypeError || /must be|Usage:|Unknown option/i.test((error as Error).message)) {
      throw new UsageError((error as Error).message);
    }
    throw error;
  }
  return EXIT.OK;
}
