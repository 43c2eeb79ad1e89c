# syntax=docker/dockerfile:1
# node-jobs as a container: `docker build -t node-jobs .` then `docker run -p 3000:3000 --env-file … node-jobs`
# (configuration in environment variables, see README "Configuration" and "Deploying to AWS").
# tests/package/dockerfile.test.ts replays both stages outside Docker: keep RUN lines relative to WORKDIR.

# Build stage: every dependency, dev tools included; builds the SDK, the server and the console, and
# packs them as npm would publish them.
FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
COPY packages/client/package.json packages/client/
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY . .
RUN npm run build \
 && mkdir -p pack \
 && npm pack --ignore-scripts --pack-destination pack \
 && cd packages/client && npm pack --ignore-scripts --pack-destination ../../pack

# Runtime stage: the two packed packages and the lockfile, installed without dev or optional
# dependencies. The root package.json names packages/client as a workspace, so the lockfile links
# node-jobs-client to it; deploy/, the other workspace, is absent and npm ci leaves it out.
FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /src/package-lock.json ./
COPY --from=build /src/pack/ ./
RUN --mount=type=cache,target=/root/.npm \
    tar -xzf node-jobs-[0-9]*.tgz --strip-components=1 --no-same-owner \
 && mkdir -p packages/client \
 && tar -xzf node-jobs-client-[0-9]*.tgz --strip-components=1 --no-same-owner -C packages/client \
 && rm node-jobs-*.tgz \
 && npm ci --omit=dev --omit=optional --no-audit --no-fund \
 && mkdir -p userdata storage \
 && chown 1000:1000 userdata storage
# The image's `node` user, by number so that runtimes can check it is not root (runAsNonRoot).
# The code stays root's and read-only to it; it writes only userdata/ (data_file) and storage/.
USER 1000:1000
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.port || process.env.PORT || 3000) + '/healthz', { signal: AbortSignal.timeout(4000) }).then((response) => process.exit(response.ok ? 0 : 1), () => process.exit(1))"]
# Exec form: node is the process that receives SIGTERM (no shell in between) and shuts down gracefully.
CMD ["node", "dist/cli.js", "serve"]
