import { describe, expect, it } from "vitest";
import { refusalOf, type UrlPolicy } from "../../src/webhooks/url-policy";

/**
 * Where webhooks may go (src/webhooks/url-policy.ts): public HTTPS endpoints. Production's policy refuses plain
 * http and every loopback, private, link-local, unique-local or reserved IP literal, in each spelling the URL
 * parser accepts; development's allows http and loopback, so a local agent works, and still nothing private.
 */
const production: UrlPolicy = { allowHttp: false, allowLoopback: false };
const development: UrlPolicy = { allowHttp: true, allowLoopback: true };

describe("the webhook URL policy", () => {
  it.each([
    "https://agent.example.com/hooks",
    "https://agent.example.com:8443/hooks?x=1",
    "https://93.184.216.34/hooks",
    "https://[2606:4700:4700::1111]/hooks",
    "https://172.32.0.1/",
    "https://100.128.0.1/",
  ])("lets %s through in production", (url) => {
    expect(refusalOf(url, production)).toBeNull();
  });

  it.each([
    ["http://agent.example.com/hooks", /use https/],
    ["ftp://agent.example.com/hooks", /use https/],
    ["not a url", /not an absolute URL/],
    ["https://user:pass@agent.example.com/", /credentials/],
    ["https://localhost/hooks", /loopback/],
    ["https://api.localhost./hooks", /loopback/],
    ["https://127.0.0.1/", /loopback/],
    ["https://127.8.9.10/", /loopback/],
    ["https://2130706433/", /loopback/],
    ["https://0x7f.1/", /loopback/],
    ["https://[::1]/", /loopback/],
    ["https://[::ffff:127.0.0.1]/", /loopback/],
    ["https://10.1.2.3/", /private/],
    ["https://172.16.0.1/", /private/],
    ["https://172.31.255.255/", /private/],
    ["https://192.168.1.1/", /private/],
    ["https://[::ffff:192.168.1.1]/", /private/],
    ["https://[64:ff9b::10.0.0.1]/", /private/],
    ["https://169.254.169.254/latest/meta-data", /link-local/],
    ["https://[fe80::1]/", /link-local/],
    ["https://[fc00::1]/", /unique-local/],
    ["https://[fd12:3456::1]/", /unique-local/],
    ["https://100.64.0.1/", /carrier-grade NAT/],
    ["https://0.0.0.0/", /unspecified/],
    ["https://[::]/", /unspecified/],
    ["https://224.0.0.1/", /multicast/],
    ["https://[ff02::1]/", /multicast/],
    ["https://255.255.255.255/", /reserved/],
  ])("refuses %s in production, naming the rule", (url, rule) => {
    expect(refusalOf(url, production)).toMatch(rule);
  });

  it("allows http and loopback in development, and still refuses private ranges", () => {
    expect(refusalOf("http://127.0.0.1:8788/hooks", development)).toBeNull();
    expect(refusalOf("http://localhost:3000/hooks", development)).toBeNull();
    expect(refusalOf("http://[::1]:3000/hooks", development)).toBeNull();
    expect(refusalOf("http://agent.example.com/hooks", development)).toBeNull();
    expect(refusalOf("http://10.0.0.5/hooks", development)).toMatch(/private/);
    expect(refusalOf("http://169.254.169.254/", development)).toMatch(/link-local/);
  });

  it("names the setting when loopback is refused", () => {
    expect(refusalOf("https://127.0.0.1/", { allowHttp: true, allowLoopback: false })).toMatch(
      /WEBHOOK_ALLOW_LOOPBACK/,
    );
  });
});
