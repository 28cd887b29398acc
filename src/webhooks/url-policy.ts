/**
 * Where webhooks may be sent (server-side request forgery is the risk): public HTTPS endpoints only. A
 * URL is refused when its scheme is not https (http only where `allowHttp`, i.e. development), when it
 * carries credentials, or when its host is `localhost` or an IP literal in a loopback, private, link-local,
 * unique-local or otherwise non-public range — except loopback where `allowLoopback` (a local agent in
 * development). Host names are not resolved here (a Worker cannot); on Cloudflare a Worker's fetch does not
 * reach private networks anyway. Each refusal says which rule.
 */
export interface UrlPolicy {
  allowHttp: boolean;
  allowLoopback: boolean;
}

type Range = [prefix: bigint, bits: number, name: string];

const v4 = (text: string): bigint | null => {
  const parts = text.split(".");
  if (parts.length !== 4 || parts.some((part) => !/^\d{1,3}$/.test(part) || Number(part) > 255)) return null;
  return parts.reduce((value, part) => (value << 8n) | BigInt(part), 0n);
};

/** An IPv6 literal (as the URL parser writes it: lower case, `::` compressed, no embedded IPv4) → 128 bits. */
const v6 = (text: string): bigint | null => {
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const groups = (half: string | undefined) => (half ? half.split(":") : []);
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return null;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  if (all.some((group) => !/^[0-9a-f]{1,4}$/.test(group))) return null;
  return all.reduce((value, group) => (value << 16n) | BigInt(Number.parseInt(group, 16)), 0n);
};

const V4_RANGES: Range[] = [
  [0x7f000000n, 8, "loopback"],
  [0x0a000000n, 8, "private"],
  [0xac100000n, 12, "private"],
  [0xc0a80000n, 16, "private"],
  [0xa9fe0000n, 16, "link-local"],
  [0x64400000n, 10, "shared (carrier-grade NAT)"],
  [0x00000000n, 8, "unspecified"],
  [0xc0000000n, 24, "reserved"],
  [0xc6120000n, 15, "reserved (benchmarking)"],
  [0xe0000000n, 4, "multicast"],
  [0xf0000000n, 4, "reserved"],
];
const V6_RANGES: Range[] = [
  [1n, 128, "loopback"],
  [0n, 128, "unspecified"],
  [0xfc00n << 112n, 7, "unique-local"],
  [0xfe80n << 112n, 10, "link-local"],
  [0xff00n << 112n, 8, "multicast"],
];

const inRange = (address: bigint, width: number, [prefix, bits]: Range) =>
  address >> BigInt(width - bits) === prefix >> BigInt(width - bits);

/** The non-public range an IP literal host is in, or null (a public address, or not an IP literal). */
const rangeOf = (host: string): string | null => {
  const four = v4(host);
  if (four !== null) return V4_RANGES.find((range) => inRange(four, 32, range))?.[2] ?? null;
  if (!host.startsWith("[")) return null;
  const six = v6(host.slice(1, -1));
  if (six === null) return "unparsable";
  // IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::/96) addresses are judged by their IPv4 part.
  const mapped = six >> 32n === 0xffffn || six >> 32n === 0x64ff9b0000000000000000n;
  if (mapped) return V4_RANGES.find((range) => inRange(six & 0xffffffffn, 32, range))?.[2] ?? null;
  return V6_RANGES.find((range) => inRange(six, 128, range))?.[2] ?? null;
};

/** Why the URL may not receive webhooks, or null when it may. */
export const refusalOf = (text: string, policy: UrlPolicy): string | null => {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "The webhook URL is not an absolute URL.";
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && policy.allowHttp)) {
    return policy.allowHttp
      ? "Webhook URLs use https (or http in development)."
      : "Webhook URLs use https: plain http is allowed only in development.";
  }
  if (url.username || url.password) return "Webhook URLs may not carry credentials (user:password@).";
  const host = url.hostname.replace(/\.$/, "");
  const range = host === "localhost" || host.endsWith(".localhost") ? "loopback" : rangeOf(host);
  if (range === null) return null;
  if (range === "loopback" && policy.allowLoopback) return null;
  return range === "loopback"
    ? `Webhook URLs may not point at this machine (${url.hostname} is loopback); WEBHOOK_ALLOW_LOOPBACK allows it in development.`
    : `Webhook URLs may not point at a ${range} address (${url.hostname}).`;
};
