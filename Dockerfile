# The GitHub App: one image, two commands. `npm start` is the web process (verifies webhooks,
# queues them, answers 202); `npm run worker` takes the queued deliveries from Redis and scans them.

# ---- build: TypeScript → lib/ (needs the dev dependencies) ----
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
# --ignore-scripts: `prepare` builds lib/ and the sources are not copied yet; built below.
RUN npm ci --ignore-scripts
COPY src ./src
COPY rules ./rules
RUN npm run build

# ---- runtime: production dependencies, the compiled App, the rules; no compiler, no sources ----
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would run tsc, which --omit=dev does not install; lib/ comes from the build stage.
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/lib ./lib
COPY rules ./rules
# The image's own unprivileged user (uid 1000): the App never needs root.
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--liftoff-only", "lib/app/server.js"]
