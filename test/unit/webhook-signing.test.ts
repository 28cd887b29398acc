import { base64url } from "jose";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { verifyWebhook, WebhookVerificationError } from "../../sdk/src";
import { newSigningSecret, openSecret, sealSecret } from "../../src/webhooks/secrets";
import { retryDelaySeconds, webhookSettings } from "../../src/webhooks/settings";
import { signWebhook } from "../../src/webhooks/signature";

/**
 * Signing (src/webhooks/signature.ts) checked by the verifier partners use — the `standardwebhooks` package — and by
 * the SDK's `verifyWebhook` built on it; secrets sealed at rest (src/webhooks/secrets.ts); the retry schedule.
 */
/** A keyring of one fresh 32-byte key named `kid`. */
const keys = (kid: string) => [{ kid, secret: base64url.encode(crypto.getRandomValues(new Uint8Array(32))) }];

const body = JSON.stringify({ type: "message.created", timestamp: "2026-12-04T10:00:00.000Z", data: { seq: 1 } });

describe("webhook signatures", () => {
  it("verify with the standardwebhooks package and the SDK", async () => {
    const secret = newSigningSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const headers = await signWebhook([secret], "w123", new Date(), body);
    expect(headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
    expect(verifyWebhook(secret, new Headers({ ...headers }), body)).toEqual(JSON.parse(body));
  });

  it("carry one signature per secret during a rotation, each verifying alone", async () => {
    const [current, previous] = [newSigningSecret(), newSigningSecret()];
    const headers = await signWebhook([current, previous], "w123", new Date(), body);
    expect(headers["webhook-signature"].split(" ")).toHaveLength(2);
    expect(verifyWebhook(current, { ...headers }, body)).toEqual(JSON.parse(body));
    expect(verifyWebhook(previous, { ...headers }, body)).toEqual(JSON.parse(body));
    expect(() => verifyWebhook(newSigningSecret(), { ...headers }, body)).toThrow(WebhookVerificationError);
  });

  it("refuse a changed body, another id, and a stale timestamp", async () => {
    const secret = newSigningSecret();
    const headers = await signWebhook([secret], "w123", new Date(), body);
    expect(() => verifyWebhook(secret, { ...headers }, body.replace("1", "2"))).toThrow(WebhookVerificationError);
    expect(() => verifyWebhook(secret, { ...headers, "webhook-id": "w124" }, body)).toThrow(WebhookVerificationError);
    const stale = await signWebhook([secret], "w123", new Date(Date.now() - 10 * 60_000), body);
    expect(() => verifyWebhook(secret, { ...stale }, body)).toThrow(WebhookVerificationError);
  });
});

describe("webhook secrets at rest", () => {
  it("are sealed with the keyring's first key and open with any key still listed", async () => {
    const [old, current] = [keys("old"), keys("new")];
    const secret = newSigningSecret();
    const sealed = await sealSecret(old, secret);
    expect(sealed.kid).toBe("old");
    expect(sealed.ciphertext).not.toContain(secret.slice(6));
    expect(await openSecret([...current, ...old], sealed)).toBe(secret);
    expect(await openSecret(current, sealed)).toBeNull();
  });

  it("do not open under another key id (the kid is bound to the ciphertext)", async () => {
    const ring = keys("a");
    const sealed = await sealSecret(ring, newSigningSecret());
    const renamed = ring.map((key) => ({ ...key, kid: "b" }));
    expect(await openSecret(renamed, { ...sealed, kid: "b" })).toBeNull();
  });
});

describe("the retry schedule", () => {
  const settings = (schedule?: string) =>
    webhookSettings({ WEBHOOK_RETRY_SCHEDULE: schedule, ENVIRONMENT: "production" } as never);

  it("spreads 8 attempts over about a day by default, the first retry within a minute", () => {
    const { retrySchedule } = settings();
    expect(retrySchedule).toHaveLength(7);
    expect(retrySchedule[0]).toBeLessThanOrEqual(60);
    const total = retrySchedule.reduce((sum, delay) => sum + delay, 0);
    expect(total).toBeGreaterThan(20 * 3600);
    expect(total).toBeLessThan(30 * 3600);
  });

  it("jitters each delay by at most 20 % and stops after the last", () => {
    const s = settings("10,100");
    expect(retryDelaySeconds(s, 1, 0)).toBe(8);
    expect(retryDelaySeconds(s, 1, 1)).toBe(12);
    expect(retryDelaySeconds(s, 2, 0.5)).toBe(100);
    expect(retryDelaySeconds(s, 3, 0.5)).toBeNull();
  });

  it("falls back to the default for a schedule it cannot read, and caps a delay at the queue's 12 hours", () => {
    expect(settings("soon").retrySchedule).toEqual(settings().retrySchedule);
    expect(settings("1,-5").retrySchedule).toEqual(settings().retrySchedule);
    expect(settings("100000").retrySchedule).toEqual([43_200]);
  });
});
