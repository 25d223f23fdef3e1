# syntax=docker/dockerfile:1.7
# One Dockerfile, one small image per service (docs/decisions/0002-container-images.md):
#
#   docker build --build-arg SERVICE=scheduler       -t github-stats-exporter/scheduler .
#   docker build --build-arg SERVICE=scraper-worker  -t github-stats-exporter/scraper-worker .
#   docker build --build-arg SERVICE=backfill-worker -t github-stats-exporter/backfill-worker .
#   docker build --build-arg SERVICE=metrics-gateway -t github-stats-exporter/metrics-gateway .
#   docker build --target github-sim                 -t github-stats-exporter/github-sim .
#
# The scraper-worker image also runs `plan` (docs/operations.md#sizing-an-installation):
#   docker run --rm -v …:/etc/github-stats-exporter github-stats-exporter/scraper-worker \
#     node dist/plan-cli.js --org ORG
#
# The service image holds `pnpm deploy --prod` of that one service: its dist/, its workspace
# packages' dist/ and their production dependencies, nothing else. It runs as uid 1000 with
# a read-only root filesystem (nothing is written outside /tmp, which stays unused), under
# tini so that SIGTERM reaches node and the service's own graceful stop runs.

# Node 22 (LTS "Jod", supported until 2027-04-30), pinned to the patch release so a rebuild
# cannot change the runtime under the same image tag; bump it with a commit. Every stage uses
# it: native modules built in `build` must load in `service`. Pin the digest too
# (node:22.23.3-bookworm-slim@sha256:…) where your registry mirror gives it.
ARG NODE_IMAGE=node:22.23.3-bookworm-slim
ARG PNPM_VERSION=12.4.2
# The repository URL for the org.opencontainers.image.source label, e.g.
# --build-arg SOURCE_URL="$(git remote get-url origin)".
ARG SOURCE_URL=""

# --- build: the whole workspace, compiled -------------------------------------------------
FROM ${NODE_IMAGE} AS build
ARG PNPM_VERSION
ENV CI=true
RUN npm install --global "pnpm@${PNPM_VERSION}"
WORKDIR /src
# The lockfile alone decides what is fetched, so this layer survives source edits.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN --mount=type=cache,id=gse-pnpm-store,target=/root/.local/share/pnpm/store \
    pnpm fetch
COPY . .
RUN --mount=type=cache,id=gse-pnpm-store,target=/root/.local/share/pnpm/store \
    pnpm install --frozen-lockfile --offline \
 && pnpm build

# --- deploy: one service's production tree ------------------------------------------------
FROM build AS deploy
ARG SERVICE
RUN case "${SERVICE}" in \
      scheduler|scraper-worker|backfill-worker|metrics-gateway) ;; \
      *) echo "build with --build-arg SERVICE=scheduler|scraper-worker|backfill-worker|metrics-gateway (got '${SERVICE}')" >&2; exit 1 ;; \
    esac
RUN --mount=type=cache,id=gse-pnpm-store,target=/root/.local/share/pnpm/store \
    pnpm --filter "@gse/${SERVICE}" deploy --prod --prefer-offline /prod/app \
 && cd /prod/app \
 && rm -rf src test bench .turbo tsconfig.json tsconfig.build.json pnpm-lock.yaml pnpm-workspace.yaml \
 && find node_modules/.pnpm -mindepth 5 -maxdepth 5 -type d -path '*/node_modules/@gse/*/*' \
      \( -name src -o -name test -o -name bench \) -prune -exec rm -rf {} + \
 && chmod -R a+rX,go-w /prod/app

# --- github-sim: the demo GitHub for docker-compose (not for production) ------------------
# The simulator is a dev tool that runs from TypeScript through tsx, so it keeps the build
# stage's full workspace; compose gives it a tmpfs /tmp for tsx's compile cache.
FROM build AS github-sim
ARG SOURCE_URL
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/* \
 && install -d -o 1000 -g 1000 -m 0750 /etc/github-stats-exporter/keys
LABEL org.opencontainers.image.title="github-stats-exporter-github-sim" \
      org.opencontainers.image.description="GitHub simulator for the github-stats-exporter demo; never for production" \
      org.opencontainers.image.source="${SOURCE_URL}"
USER 1000:1000
EXPOSE 9900
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--import", "tsx", "--conditions=@gse/source", "tools/src/sim.ts", "--host", "0.0.0.0", "--keys-dir", "/etc/github-stats-exporter/keys"]

# --- the service image (default target) ---------------------------------------------------
FROM ${NODE_IMAGE} AS service
ARG SERVICE
ARG SOURCE_URL
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/* \
 && install -d -o 1000 -g 1000 -m 0750 /etc/github-stats-exporter/keys
LABEL org.opencontainers.image.title="github-stats-exporter-${SERVICE}" \
      org.opencontainers.image.description="github-stats-exporter ${SERVICE}: GitHub contributor activity as OpenMetrics" \
      org.opencontainers.image.source="${SOURCE_URL}" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}"
ENV NODE_ENV=production \
    GITHUB_STATS_CONFIG=/etc/github-stats-exporter/config.yaml
WORKDIR /app
# Owned by root and not writable by the service user: the process cannot change its own code.
COPY --from=deploy --chown=root:root /prod/app /app
USER 1000:1000
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--enable-source-maps", "dist/main.js"]
