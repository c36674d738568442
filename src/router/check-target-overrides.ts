import { suggestion } from "../config/did-you-mean.js";
import type { Route, TargetOverrides } from "../core/index.js";
import { expectList, expectObject, expectString, invalid } from "./request-fields.js";
import type { WorkMeter } from "./work-meter.js";

const overrideKeys = ["only", "order", "ignore", "allowFallbacks"] as const;
const listKeys = ["only", "order", "ignore"] as const;

/**
 * `request.targets`, checked against the request's route: an override may only narrow what the
 * operator allowed, so naming a target the route does not list is the caller's mistake (as is a
 * repeat, an id both kept and ignored, or an override that leaves no target at all). `ignore`
 * binds on the fallback routes too, so it may also name their targets (`chainTargets`).
 */
export function checkTargetOverrides(
  value: unknown,
  route: Route,
  meter: WorkMeter,
  chainTargets: readonly string[] = route.targets,
): TargetOverrides {
  const fields = expectObject(
    value,
    ["targets"],
    overrideKeys,
    "target overrides, { only, order, ignore, allowFallbacks }",
  );
  const overrides: TargetOverrides = {};
  for (const key of listKeys) {
    if (fields[key] === undefined) continue;
    const path = ["targets", key];
    const allowed = key === "ignore" ? chainTargets : route.targets;
    const list = expectList(fields[key], path, allowed.length);
    const ids: string[] = [];
    for (let index = 0; index < list.length; index++) {
      const id = expectString(list[index], path, index, meter, { minLength: 1, maxLength: 256 });
      if (!allowed.includes(id)) {
        const where = key === "ignore" && allowed !== route.targets ? " or of its fallback routes" : "";
        throw invalid(
          [...path, index],
          `"${id}" is not a target of route "${route.name}"${where}${suggestion(id, allowed)} (its targets: ${allowed.join(", ")}); an override can narrow a route, not add to it`,
        );
      }
      if (ids.includes(id)) throw invalid([...path, index], `repeats the target "${id}"`);
      ids.push(id);
    }
    overrides[key] = ids;
  }
  if (fields.allowFallbacks !== undefined) {
    if (typeof fields.allowFallbacks !== "boolean") {
      throw invalid(["targets", "allowFallbacks"], "must be true or false");
    }
    overrides.allowFallbacks = fields.allowFallbacks;
  }
  const excluded = (id: string) =>
    (overrides.only !== undefined && !overrides.only.includes(id)) || overrides.ignore?.includes(id) === true;
  for (const [index, id] of (overrides.order ?? []).entries()) {
    if (excluded(id))
      throw invalid(["targets", "order", index], `"${id}" is excluded by targets.only or targets.ignore`);
  }
  for (const [index, id] of (overrides.ignore ?? []).entries()) {
    if (overrides.only?.includes(id))
      throw invalid(["targets", "ignore", index], `"${id}" is also in targets.only`);
  }
  if (route.targets.every(excluded)) {
    throw invalid(
      ["targets"],
      `leaves no target of route "${route.name}" (its targets: ${route.targets.join(", ")})`,
    );
  }
  return overrides;
}

/** Whether the caller's overrides keep a target of the request's route. */
export function keptByOverrides(overrides: TargetOverrides | undefined, id: string): boolean {
  if (!overrides) return true;
  if (overrides.only !== undefined && !overrides.only.includes(id)) return false;
  return overrides.ignore?.includes(id) !== true;
}
