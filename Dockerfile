# One image for every DCO Autopilot service; the service is chosen by the APP build arg (or the APP env at run time).
# Build: docker build --build-arg APP=orchestrator -t dco-autopilot/orchestrator .
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# npm ci's postinstall applies these to node_modules (patch-package; ADR 0012).
COPY patches ./patches
RUN npm ci --no-audit --no-fund

FROM deps AS verify
COPY . .
# The image is only built from sources that type-check and lint.
RUN npm run typecheck && npm run lint

FROM node:20-bookworm-slim AS runtime
ARG APP=orchestrator
ENV NODE_ENV=production APP=${APP} HOST=0.0.0.0 PORT=3000 DCO_PROFILE=aws
WORKDIR /app
# OpenTofu for the infra-deployer is copied in by the platform's base image in a real deployment (see docs/deployment.md).
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
