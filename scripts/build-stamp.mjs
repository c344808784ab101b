// Stamps dist/ with a hash of what `npm run build` compiled it from, so the integration
// tests' global setup (test/helpers/global-setup.ts) can tell that the build `npm ci` made
// (postinstall) is current and not compile src/ a second time (about 25 s of CPU).
//   node scripts/build-stamp.mjs begin   before tsc: hashes the inputs, drops the old stamp
//   node scripts/build-stamp.mjs end     after a successful tsc: makes dist/cli.js executable
//                                        and stamps dist/ with the hash taken at `begin`
//   node scripts/build-stamp.mjs check   exit 0 when the stamp matches the inputs now, else 1
// The hash is taken before compiling: a file edited during the build leaves a stamp that no
// longer matches, so the next check builds again rather than trusting a stale dist/.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DIST = path.join(ROOT, 'dist');
const STAMP = path.join(DIST, '.build-stamp');
const PENDING = path.join(DIST, '.build-stamp.pending');
/** What the compiled output depends on besides src/ (the generated Prisma client included). */
const CONFIG_FILES = ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)));
}

function inputsHash() {
  const hash = createHash('sha256');
  for (const file of [...CONFIG_FILES, ...filesUnder(path.join(ROOT, 'src'))].sort()) {
    hash.update(`${file}\0`).update(readFileSync(path.join(ROOT, file))).update('\0');
  }
  return hash.digest('hex');
}

const stamped = () => (existsSync(STAMP) && existsSync(path.join(DIST, 'cli.js')) ? readFileSync(STAMP, 'utf8').trim() : undefined);

const step = process.argv[2];
if (step === 'begin') {
  mkdirSync(DIST, { recursive: true });
  rmSync(STAMP, { force: true });
  writeFileSync(PENDING, `${inputsHash()}\n`);
} else if (step === 'end') {
  chmodSync(path.join(DIST, 'cli.js'), 0o755);
  renameSync(PENDING, STAMP);
} else if (step === 'check') {
  process.exit(stamped() === inputsHash() ? 0 : 1);
} else {
  process.stderr.write('usage: node scripts/build-stamp.mjs begin|end|check\n');
  process.exit(2);
}
