# syntax=docker/dockerfile:1
# genesys-sync: the scheduled worker (default) or any CLI command (`docker run IMAGE status`).
# Build: docker build -t genesys-sync .   Run: see compose.yaml and docs/operations.md.

# --- build: all dependencies, the generated Prisma client -----------------------------------
FROM node:22-bookworm-slim AS build
WORKDIR /app
# The postinstall script (npm run generate) reads the schema: copy it before `npm ci`.
COPY package.json package-lock.json ./
COPY prisma ./prisma
COPY scripts ./scripts
RUN npm ci --no-audit --no-fund
# postinstall generated the Prisma client into src/generated (kept: .dockerignore leaves the
# host's copy out). Then drop dev dependencies: tsx and prisma are runtime dependencies here,
# since the service runs TypeScript directly and the WASM schema engine migrates at start.
RUN npm prune --omit=dev --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src

# --- runtime: production dependencies and sources, non-root ---------------------------------
FROM node:22-bookworm-slim AS runtime
# The heap cap and the malloc threshold keep a long backfill near 250 MB of RSS instead of
# ~550 MB of garbage V8 and glibc would otherwise hold on to (docs/performance.md, Memory);
# the live heap is ~60 MB.
ENV NODE_ENV=production \
    LOG_FORMAT=json \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NODE_OPTIONS=--max-old-space-size=128 \
    MALLOC_MMAP_THRESHOLD_=131072
WORKDIR /app
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/package.json /app/tsconfig.json ./
COPY --from=build --chown=root:root /app/prisma ./prisma
COPY --from=build --chown=root:root /app/src ./src
COPY --chown=root:root docker/entrypoint.sh /usr/local/bin/entrypoint.sh
# The code stays read-only to the service user; only .data (the embedded database, used when
# DATABASE_URL is unset) is writable.
RUN chmod 0755 /usr/local/bin/entrypoint.sh && mkdir -p /app/.data && chown node:node /app/.data
# `node` (uid 1000) ships with the official image.
USER node
ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]
