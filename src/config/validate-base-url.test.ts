import { describe, expect, it } from "vitest";
import { classifyHost, parseIPv6, validateBaseURL } from "./validate-base-url.js";

describe("validateBaseURL", () => {
  it.each([
    ["dotted quad", "http://169.254.169.254/latest/meta-data/"],
    ["hex", "http://0xA9FEA9FE/"],
    ["dotted hex", "http://0xa9.0xfe.0xa9.0xfe/"],
    ["decimal", "http://2852039166/"],
    ["octal", "http://0251.0376.0251.0376/"],
    ["short form", "http://169.254.43518/"],
    ["percent-encoded", "http://%31%36%39.254.169.254/"],
    ["IPv4-mapped IPv6, dotted", "http://[::ffff:169.254.169.254]/"],
    ["IPv4-mapped IPv6, hex", "http://[::ffff:a9fe:a9fe]/"],
    ["IPv4-mapped IPv6, uncompressed", "http://[0:0:0:0:0:ffff:a9fe:a9fe]/"],
    ["IPv4-compatible IPv6", "http://[::169.254.169.254]/"],
    ["NAT64 IPv6", "http://[64:ff9b::a9fe:a9fe]/"],
    ["6to4 IPv6", "http://[2002:a9fe:a9fe::1]/"],
    ["AWS IMDS over IPv6", "http://[fd00:ec2::254]/"],
    ["AWS ECS task metadata", "http://169.254.170.2/v2/credentials"],
    ["Alibaba Cloud", "http://100.100.100.200/latest/meta-data/"],
    ["GCP host name", "http://metadata.google.internal/computeMetadata/v1/"],
    ["GCP host name with a trailing dot", "http://metadata.google.internal./"],
    ["bare metadata host name in capitals", "http://METADATA/"],
    ["https on port 443", "https://169.254.169.254:443/"],
  ])("refuses the cloud metadata address spelled as %s even when private addresses are allowed", (_, url) => {
    expect(validateBaseURL(url, { allowPrivate: true })).toMatch(
      /cloud metadata address; refused to prevent SSRF/,
    );
  });

  it.each([
    ["file:///etc/passwd", "`file:`"],
    ["gopher://127.0.0.1:6379/_INFO", "`gopher:`"],
    ["ftp://example.com/", "`ftp:`"],
    ["javascript:alert(1)", "`javascript:`"],
  ])("refuses the non-http scheme of %s", (url, scheme) => {
    expect(validateBaseURL(url)).toBe(`the scheme ${scheme} is not allowed; use http or https`);
  });

  it("refuses credentials in the URL without echoing them", () => {
    const problem = validateBaseURL("https://user:hunter2-secret@api.example.com/v1");
    expect(problem).toBe("must not contain credentials (user:password@); put the key in apiKey or headers");
    expect(problem).not.toContain("hunter2");
  });

  it("refuses text that is not an absolute URL", () => {
    expect(validateBaseURL("api.example.com/v1")).toMatch(/^expected an absolute http\(s\) URL/);
  });

  it.each([
    "http://127.0.0.1:8000/v1",
    "http://127.1:11434/",
    "http://localhost:11434/v1",
    "http://[::1]:8000/",
    "http://10.1.2.3/",
    "http://172.20.0.5/",
    "http://192.168.1.10:8080/",
    "http://[fd12:3456::1]/",
    "http://[fe80::1]/",
    "http://169.254.1.1/",
    "http://0.0.0.0:8000/",
    "http://[::ffff:127.0.0.1]/",
  ])(
    "allows the loopback or private %s by default and refuses it when private addresses are forbidden",
    (url) => {
      expect(validateBaseURL(url)).toBeUndefined();
      expect(validateBaseURL(url, { allowPrivate: false })).toMatch(/loopback or private address/);
    },
  );

  it.each([
    "https://api.openai.com/v1",
    "https://api.together.xyz/v1",
    "http://8.8.8.8/",
    "http://172.32.0.1/",
    "http://[2001:db8::1]/",
  ])("allows the public %s even when private addresses are forbidden", (url) => {
    expect(validateBaseURL(url, { allowPrivate: false })).toBeUndefined();
  });
});

describe("classifyHost", () => {
  it("treats *.localhost as loopback", () => {
    expect(classifyHost("vllm.localhost")).toBe("private");
  });

  it("cannot see through DNS: a name that resolves to the metadata address looks public", () => {
    expect(classifyHost("169.254.169.254.nip.io")).toBe("public");
  });
});

describe("parseIPv6", () => {
  it("expands :: to the missing zero groups", () => {
    expect(parseIPv6("fd00:ec2::254")).toEqual([0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254]);
    expect(parseIPv6("::")).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it("refuses malformed addresses", () => {
    expect(parseIPv6("1::2::3")).toBeUndefined();
    expect(parseIPv6("1:2:3")).toBeUndefined();
    expect(parseIPv6("12345::")).toBeUndefined();
  });
});
