import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import {
  EXIT,
  UsageError
} from "./chunk-NYIOMDCQ.js";
import "./chunk-V4RWK56N.js";

// dist/commands/simulator.js
async function simulatorCommand(argv, _config, _logger) {
  const { runSimulatorCli } = await import("./main-KRL32J5S.js");
  try {
    await runSimulatorCli(argv);
  } catch (error) {
    if (error instanceof TypeError || /must be|Usage:|Unknown option/i.test(error.message)) {
      throw new UsageError(error.message);
    }
    throw error;
  }
  return EXIT.OK;
}
export {
  simulatorCommand
};
