import { isIPv4 } from "node:net";

export interface BaseURLOptions {
  /** Allow loopback, private, link-local and CGNAT addresses. @default true */
  allowPrivate?: boolean;
}

/** Cloud instance-metadata services: a request there hands out the host's credentials. */
const METADATA_IPV4 = new Set([
  "169.254.169.254", // AWS, GCP, Azure, OpenStack, DigitalOcean, Oracle
  "169.254.170.2", // AWS ECS task metadata
  "169.254.170.23", // AWS EKS pod identity
  "100.100.100.200", // Alibaba Cloud
  "192.0.0.192", // Oracle Cloud (legacy)
]);
const METADATA_IPV6 = ["fd00:ec2::254"].map((address) => parseIPv6(address)?.join(":"));
const METADATA_HOSTS = new Set([
  "metadata",
  "metadata.google.internal",
  "metadata.goog",
  "instance-data",
  "instance-data.ec2.internal",
  "metadata.tencentyun.com",
]);

/** [first address as a 32-bit number, prefix length] */
const PRIVATE_IPV4: ReadonlyArray<readonly [string, number]> = [
  ["0.0.0.0", 8], // "this network"; 0.0.0.0 reaches localhost on Linux
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local
  ["172.16.0.0", 12],
  ["192.168.0.0", 16],
];

/**
 * Why a provider's baseURL must be refused, or undefined when it is fine. The host is read with
 * WHATWG URL parsing, the same as the HTTP client's: it turns decimal (2852039166), hex
 * (0xA9FEA9FE), octal (0251.0376.0251.0376) and short (169.254.43518) IPv4 spellings into
 * dotted quads, so one comparison covers them all. IPv6 addresses that embed an IPv4 one
 * (mapped, compatible, NAT64, 6to4) are checked as that IPv4 address. A host name that merely
 * resolves to a metadata address cannot be caught without DNS.
 */
export function validateBaseURL(value: string, options: BaseURLOptions = {}): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "expected an absolute http(s) URL such as https://api.example.com/v1";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return `the scheme \`${url.protocol}\` is not allowed; use http or https`;
  }
  if (url.username !== "" || url.password !== "") {
    return "must not contain credentials (user:password@); put the key in apiKey or headers";
  }
  const kind = classifyHost(url.hostname);
  if (kind === "metadata") {
    return `the host is \`${url.hostname}\` (as the URL parser reads it), a cloud metadata address; refused to prevent SSRF`;
  }
  if (kind === "private" && options.allowPrivate === false) {
    return `\`${url.hostname}\` is a loopback or private address and security.allowPrivateBaseURLs is false`;
  }
  return undefined;
}

export type HostKind = "metadata" | "private" | "public";

/** Classifies a host as WHATWG URL parsing returns it (lowercase, IPv6 in brackets). */
export function classifyHost(hostname: string): HostKind {
  const host = hostname.replace(/\.+$/, "").toLowerCase();
  if (METADATA_HOSTS.has(host)) return "metadata";
  if (host === "localhost" || host.endsWith(".localhost")) return "private";
  if (isIPv4(host)) return classifyIPv4(ipv4ToNumber(host));
  if (host.startsWith("[") && host.endsWith("]")) {
    const groups = parseIPv6(host.slice(1, -1));
    if (groups !== undefined) return classifyIPv6(groups);
  }
  return "public";
}

function ipv4ToNumber(address: string): number {
  return address.split(".").reduce((sum, octet) => sum * 256 + Number(octet), 0);
}

function numberToIPv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

function classifyIPv4(value: number): HostKind {
  if (METADATA_IPV4.has(numberToIPv4(value))) return "metadata";
  for (const [network, prefix] of PRIVATE_IPV4) {
    const size = 2 ** (32 - prefix);
    if (Math.floor(value / size) === Math.floor(ipv4ToNumber(network) / size)) return "private";
  }
  return "public";
}

function classifyIPv6(groups: readonly number[]): HostKind {
  if (METADATA_IPV6.includes(groups.join(":"))) return "metadata";
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = groups;
  const embedded = g6 * 65536 + g7;
  const upperZero = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0;
  if (upperZero && g4 === 0 && g5 === 0xffff) return classifyIPv4(embedded); // ::ffff:a.b.c.d mapped
  if (upperZero && g4 === 0xffff && g5 === 0) return classifyIPv4(embedded); // ::ffff:0:a.b.c.d translated
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) {
    return classifyIPv4(embedded); // NAT64 64:ff9b::/96
  }
  if (g0 === 0x2002) return classifyIPv4(g1 * 65536 + g2); // 6to4
  if (upperZero && g4 === 0 && g5 === 0) {
    // ::, ::1, or the deprecated IPv4-compatible ::a.b.c.d
    return embedded <= 1 ? "private" : classifyIPv4(embedded);
  }
  if ((g0 & 0xfe00) === 0xfc00) return "private"; // unique local fc00::/7
  if ((g0 & 0xffc0) === 0xfe80 || (g0 & 0xffc0) === 0xfec0) return "private"; // link-local, site-local
  return "public";
}

/** Eight 16-bit groups of an IPv6 address in hex notation (WHATWG URL never emits dotted tails). */
export function parseIPv6(address: string): number[] | undefined {
  const halves = address.split("::");
  if (halves.length > 2) return undefined;
  const parse = (part: string | undefined) =>
    part ? part.split(":").map((group) => Number.parseInt(group, 16)) : [];
  const head = parse(halves[0]);
  const tail = parse(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return undefined;
  const groups = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  return groups.every((group) => Number.isInteger(group) && group >= 0 && group <= 0xffff)
    ? groups
    : undefined;
}
