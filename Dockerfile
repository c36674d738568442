# The gateway (`switchyard serve`) as a container: build stage with the dev tools, runtime stage
# with the production dependencies and the build only, run as the unprivileged `node` user.
#   docker build -t switchyard-gateway .
#   docker run -p 4000:4000 -v "$PWD/routing.yaml:/etc/switchyard/policy.yaml:ro" \
#     -e OPENAI_API_KEY switchyard-gateway
# The image serves cloud and OpenAI-compatible targets; the local engine (node-llama-cpp and its
# native addon) is not in it.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts: `prepare` would build the native engine, which this image leaves out.
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json index.ts ./
COPY bin bin
COPY src src
COPY providers providers
COPY policies policies
COPY local-engine local-engine
COPY examples examples
COPY scripts scripts
COPY schema schema
RUN npm run build && npm prune --omit=dev --ignore-scripts

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY --from=build /app/schema schema
COPY --from=build /app/examples examples
USER node
EXPOSE 4000
# SIGTERM (docker stop) drains calls and streams in flight for gateway.drainMs (30 s by default):
# give `docker stop -t` / terminationGracePeriodSeconds a little more than that.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=3s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:4000/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Inside a container the gateway must listen on every interface to be reachable through -p.
ENTRYPOINT ["node", "dist/bin/switchyard.js", "serve", "--host", "0.0.0.0", "--port", "4000"]
CMD ["--policy", "/etc/switchyard/policy.yaml"]
