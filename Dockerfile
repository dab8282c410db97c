# Build: compile TypeScript once (the running service needs no compiler).
# Production runs the current LTS; CI tests it beside the Node 20 of the development machines.
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY workers ./workers
COPY migrations ./migrations
RUN npm run build

FROM node:24-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY --from=build /app/dist ./dist
# The sources stay for `npm run cli` (run through tsx).
COPY src ./src
COPY workers ./workers
COPY migrations ./migrations
COPY openapi ./openapi
USER node
EXPOSE 3000
# The flags of `npm start` (package.json; HISTORY.md says why).
CMD ["node", "--max-semi-space-size=32", "dist/src/server.js"]
