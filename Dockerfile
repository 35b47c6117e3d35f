# syntax=docker/dockerfile:1
#
# One image per service, from this one file:
#
#   docker build --build-arg APP=catalog -t registry.example.net/sva/catalog:0.1.0 .
#
# APP is catalog, subscriptions, billing-status, neo-gateway or console (the console's image also
# holds its built web app in web/ and `node create-admin.mjs`). The image runs the service with
# `node main.mjs` (node is PID 1 and handles SIGTERM: no shell, no npm) and its migrations with
# `node migrate.mjs`. It writes nothing outside /tmp, so it runs on a read-only root filesystem.

# 1. Build: install the workspace, bundle the service (tools/build), keep only the artefact.
FROM node:24.11.1-bookworm-slim AS build
ARG APP
WORKDIR /workspace
ENV CI=true NX_DAEMON=false NX_NO_CLOUD=true
COPY . .
RUN test -n "$APP" || { echo "build with --build-arg APP=<catalog|subscriptions|billing-status|neo-gateway|console>" >&2; exit 1; }
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
RUN npx tsx tools/build/src/cli.ts "$APP" --out /artefact --no-node-modules

# 2. Runtime dependencies: exactly the pruned lockfile, without dev dependencies or install scripts.
FROM node:24.11.1-alpine3.22 AS deps
WORKDIR /app
COPY --from=build /artefact/package.json /artefact/package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts --no-audit --no-fund && mkdir -p node_modules

# 3. Runtime: the bundle, its few dependencies, and node.
FROM node:24.11.1-alpine3.22
ENV NODE_ENV=production
WORKDIR /app
# npm, corepack and yarn are not needed to run: fewer files, fewer CVEs to patch.
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack /opt/yarn-* \
      /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack /usr/local/bin/yarn /usr/local/bin/yarnpkg
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /artefact/ ./
# The image's "node" user, by number so that Kubernetes' runAsNonRoot can verify it. The files
# stay root-owned: the process cannot change its own code.
USER 1000:1000
CMD ["node", "main.mjs"]
