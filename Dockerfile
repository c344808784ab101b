# syntax=docker/dockerfile:1
# genesys-sync: the scheduled worker (default) or any CLI command (`docker run IMAGE status`).
# Build: docker build -t genesys-sync .   Run: see compose.yaml and docs/operations.md.

# --- build: all dependencies, the generated Prisma client, the compiled JavaScript ----------
FROM node:22-bookworm-slim AS build
WORKDIR /app
# `npm ci` runs the postinstall script: it generates the Prisma client from the schema into
# src/generated, then compiles src/ (generated client included) to dist/ with tsc. So the
# schema, the scripts and the sources go in before it.
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY prisma ./prisma
COPY scripts ./scripts
COPY src ./src
RUN npm ci --no-audit --no-fund
# Production dependencies only. `--omit=optional` too: typescript is an optional peer of
# @prisma/client, so `--omit=dev` alone keeps it (the only other package it drops is
# pg-cloudflare, for Cloudflare Workers).
RUN npm prune --omit=dev --omit=optional --no-audit --no-fund \
 && test ! -e node_modules/typescript && test ! -e node_modules/tsx

# --- runtime: production dependencies and compiled JavaScript, non-root ---------------------
FROM node:22-bookworm-slim AS runtime
# The heap cap, a young generation of at most 3 × 4 MB (V8 grows it to 3 × 16 MB whatever the
# cap) and the malloc threshold keep a long backfill under 200 MB of RSS instead of ~550 MB of
# garbage V8 and glibc would otherwise hold on to (docs/performance.md, Memory); the live heap
# is ~60 MB. dist/cli.js also compiles WebAssembly (Prisma's query compiler) with V8's
# baseline compiler only, which NODE_OPTIONS cannot say. METRICS_PORT: the worker serves /metrics, /healthz and /readyz
# there (docs/operations.md, Metrics and health).
ENV NODE_ENV=production \
    LOG_FORMAT=json \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NODE_OPTIONS="--max-old-space-size=128 --max-semi-space-size=4" \
    MALLOC_MMAP_THRESHOLD_=131072 \
    METRICS_PORT=9464
WORKDIR /app
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/package.json ./
# prisma/: the migrations `migrate` applies (src/db/migrations-dir.ts resolves ../../prisma
# from dist/db/ as it does from src/db/).
COPY --from=build --chown=root:root /app/prisma ./prisma
COPY --from=build --chown=root:root /app/dist ./dist
COPY --chown=root:root docker/entrypoint.sh /usr/local/bin/entrypoint.sh
# The code stays read-only to the service user; only .data (the embedded database, used only when
# DATABASE_URL=embedded is asked for) is writable.
RUN chmod 0755 /usr/local/bin/entrypoint.sh && mkdir -p /app/.data && chown node:node /app/.data
EXPOSE 9464
# `node` (uid 1000) ships with the official image.
USER node
ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]
