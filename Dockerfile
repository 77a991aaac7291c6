# Multi-stage build. Targets:
#   server         (the default, last stage): the Baton server with the console (admin-ui/dist) and sql/
#   demo-executor  the SDK's demo executor and its bootstrap script, for docker-compose.yml
# Both run as the unprivileged `node` user from read-only, root-owned files under /app.

FROM node:20-bookworm-slim AS build
WORKDIR /src
# @nestjs/swagger pulls in @scarf/scarf, whose install script phones home; the root package.json
# denies it through npm 11's allowScripts, which the image's npm 10 does not read.
ENV SCARF_ANALYTICS=false
# Manifests first, so the dependency layer is cached until a package.json or the lock changes.
# npm ci needs every workspace's package.json to resolve the workspace links: a new workspace
# needs its line here (tools/test/dockerfile.spec.ts checks this against package.json).
COPY package.json package-lock.json tsconfig.base.json ./
COPY protocol/package.json protocol/
COPY server/package.json server/
COPY executor-sdk/package.json executor-sdk/
COPY admin-ui/package.json admin-ui/
COPY bench/package.json bench/
# better-sqlite3 (the embedded engine) downloads a prebuilt binary, or compiles one when it cannot.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
RUN npm ci --no-audit --no-fund
# .dockerignore keeps the host's node_modules, dist folders, .git, data/ and .env out of this copy.
COPY . .
# Builds protocol, server, executor-sdk, admin-ui and bench, then drops dev dependencies from the
# (hoisted) root node_modules; workspace packages stay linked as node_modules/@baton/* -> ../../<dir>.
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS demo-executor
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/protocol/package.json protocol/
COPY --from=build /src/protocol/dist protocol/dist
COPY --from=build /src/executor-sdk/package.json executor-sdk/
COPY --from=build /src/executor-sdk/dist executor-sdk/dist
# The bootstrap service writes the demo app's token here, the executor reads it. A new named
# volume mounted on /bootstrap starts with this directory's owner, so `node` can write to it.
RUN mkdir /bootstrap && chown node:node /bootstrap
USER node
CMD ["node", "executor-sdk/dist/examples/demo-executor.js"]

FROM node:20-bookworm-slim AS server
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/protocol/package.json protocol/
COPY --from=build /src/protocol/dist protocol/dist
COPY --from=build /src/server/package.json server/
COPY --from=build /src/server/dist server/dist
# The server serves ../../admin-ui/dist and reads ../../sql relative to server/dist.
COPY --from=build /src/admin-ui/dist admin-ui/dist
COPY --from=build /src/sql sql
# The only place the server may write: the embedded SQLite database's default location
# (data/baton.sqlite under the working directory), for a `docker run` without DATABASE_URL.
# Compose always sets DATABASE_URL to its MySQL service.
RUN mkdir data && chown node:node data
VOLUME /app/data
USER node
EXPOSE 8080
# /readyz: database reachable, schema current, node registered. Uses node's fetch (no curl in slim).
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "server/dist/main.js"]
