# Multi-stage build of the Baton server with the console included.
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json tsconfig.base.json ./
COPY protocol/package.json protocol/
COPY server/package.json server/
COPY executor-sdk/package.json executor-sdk/
COPY admin-ui/package.json admin-ui/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/protocol/package.json protocol/
COPY --from=build /src/protocol/dist protocol/dist
COPY --from=build /src/server/package.json server/
COPY --from=build /src/server/dist server/dist
COPY --from=build /src/admin-ui/dist admin-ui/dist
COPY --from=build /src/sql sql
USER node
EXPOSE 8080
CMD ["node", "server/dist/main.js"]
