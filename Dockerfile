# One image for both onex services (docker-compose.yml): the worker runs
#   node --import tsx worker/main.ts
# and the admin API
#   node --import tsx client/server.ts
# TypeScript runs through tsx at run time, as in development; the only build step bundles the
# workflow code for the worker.
# Same Node line as the development machines (engines: node >= 20.19).
ARG NODE_VERSION=20.20.2
FROM node:${NODE_VERSION}-bookworm-slim

WORKDIR /app

# Dependencies first, so a source change does not reinstall them. The full `npm ci` (with
# devDependencies) keeps the image identical to what the test suite runs against; NODE_ENV is
# set only afterwards because npm omits devDependencies when it is "production".
# better-sqlite3 (the API's sessions) ships prebuilt binaries; where none can be fetched it
# compiles, which needs python3, make and g++ in the image.
COPY package.json package-lock.json ./
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
 && npm ci --no-audit --no-fund --loglevel=error \
 && npm cache clean --force \
 && apt-get purge -y make g++ && apt-get autoremove -y && rm -rf /var/lib/apt/lists/*

# Source, owned by root and read-only for the service user.
COPY . .

# The workflow code, bundled once here: the worker loads it (ONEX_WORKFLOW_BUNDLE) instead of
# running webpack at every start (faster start, less memory; docs/benchmarks.md).
RUN npm run bundle:workflows
# The admin page (web/: Vue 3 + Element Plus), built by Vite into dist/web/, which the API serves.
RUN npm run build:web
ENV ONEX_WORKFLOW_BUNDLE=/app/dist/workflow-bundle.js

ENV NODE_ENV=production
# Non-root: the `node` user (uid 1000) of the official image; it owns the API's state folder
# (a named volume takes the folder's owner when first mounted).
RUN mkdir -p /var/lib/onex && chown node:node /var/lib/onex
USER node

# SIGTERM reaches node directly (exec form; compose adds `init: true` as PID 1), so the worker
# drains in-flight tasks and the API closes its listener before exiting.
CMD ["node", "--import", "tsx", "worker/main.ts"]
