FROM node:20-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY src ./src
COPY workers ./workers
COPY migrations ./migrations
COPY openapi ./openapi
USER node
EXPOSE 3000
CMD ["node", "--import", "tsx", "src/server.ts"]
