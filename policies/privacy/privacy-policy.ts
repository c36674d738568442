import type { ChatRequest, Filter, PrivacyClass, Route } from "../../src/core/index.js";

/** The stricter of the request's and the route's privacy class: a caller cannot loosen a route. */
export function effectivePrivacy(
  request: Readonly<ChatRequest>,
  route: Readonly<Route>,
): PrivacyClass | undefined {
  if (request.privacy === "local-only" || route.privacy === "local-only") return "local-only";
  if (request.privacy === "no-training" || route.privacy === "no-training") return "no-training";
  return undefined;
}

/**
 * `local-only` keeps only targets that run on this host (or on a provider declared local);
 * `no-training` keeps targets whose provider does not train on requests, and local ones, which
 * cannot.
 */
export const privacyPolicy: Filter = {
  kind: "filter",
  name: "privacy",
  filter({ request, route, candidates }) {
    const privacy = effectivePrivacy(request, route);
    if (privacy === undefined) return [];
    return candidates.flatMap(({ target }) => {
      const { local, noTraining } = target.capabilities;
      if (privacy === "local-only" && !local) {
        return [{ target: target.id, reason: `runs remotely on ${target.provider}; the call is local-only` }];
      }
      if (privacy === "no-training" && !local && !noTraining) {
        return [
          { target: target.id, reason: `${target.provider} may train on requests; the call is no-training` },
        ];
      }
      return [];
    });
  },
};
