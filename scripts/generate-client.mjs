// Generates the Prisma client offline. `prisma generate` never runs the schema engine,
// but the CLI tries to download it first; pointing PRISMA_SCHEMA_ENGINE_BINARY at any
// existing file skips that download (see docs/operations.md, "Prisma on machines without its engine download"). Where the
// variable is already set, we leave it alone.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const env = { ...process.env };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= fileURLToPath(import.meta.url);
env.PRISMA_HIDE_UPDATE_MESSAGE = '1';
env.CHECKPOINT_DISABLE = '1';
const result = spawnSync('npx', ['--no-install', 'prisma', 'generate', '--schema', 'prisma/schema.prisma'], {
  stdio: 'inherit',
  env,
});
process.exit(result.status ?? 1);
