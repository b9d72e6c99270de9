# Herald in a container: the README's own commands (npm ci, npm run build, then the server),
# built in one stage and run from a slim one as a non-root user. Data (the libSQL file, the
# snapshot, .eml mail when there is no relay) lives on the /data volume.
#   docker build -t herald .
#   docker run -p 4321:4321 -v herald-data:/data -e PUBLIC_URL=… -e HERALD_SECRET=… herald

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4321 \
    DATABASE_URL=file:/data/herald.db \
    SNAPSHOT_DIR=/data/snapshot \
    LOG_FORMAT=json \
    HERALD_DEMO=false \
    GLIBC_TUNABLES=glibc.malloc.arena_max=2:glibc.malloc.mmap_threshold=32768:glibc.malloc.trim_threshold=131072
WORKDIR /app
COPY --from=build --chown=root:root /app /app
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 4321
# 200 while the database answers; 503 when not (the page is still served, but someone should look).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4321) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM drains in-flight requests and the delivery batch and exits within 10 s (docker stop waits 10 s).
STOPSIGNAL SIGTERM
# `npm start` is `npm run build` then the server with these Node options; the build is already in the image.
CMD ["node", "--max-semi-space-size=2", "build/api/server.js"]
