# syntax=docker/dockerfile:1

# --- build: compile TypeScript ------------------------------------------------
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# --- runtime: production dependencies and the compiled code only --------------
FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The embedded PostgreSQL's library links (package.json allowScripts denies the script that makes them),
# made now: at run time node_modules belongs to root and the service runs as node.
RUN node --input-type=module -e "await (await import('./dist/db/embedded/binaries.js')).linkInstalledLibraries()"
COPY drizzle ./drizzle
# The photo-shoot catalogue, seeded into the database at each start.
COPY catalog ./catalog
# DATA_DIR holds the embedded database and files when DATABASE_URL / S3_* are unset.
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Started by node itself, not npm, so SIGTERM reaches the graceful shutdown directly.
CMD ["node", "dist/server.js"]
