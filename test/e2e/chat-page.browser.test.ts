import { randomUUID } from "node:crypto";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildChatPage } from "../../examples/chat-page/build.mjs";
import { createClient, streamReply } from "../../sdk/src";
import { api, base, signIn } from "./support/api";

// The example chat page (examples/chat-page: React and the AI SDK's useChat, built offline with esbuild) in
// Chromium against `wrangler dev`, with an agent streaming its reply through the SDK: the reply appears word by
// word, a reload mid-reply resumes it, and the stop button ends it for good.

/** An origin the development CORS_ORIGINS allows; Chromium is served the page there by route, no port needed. */
const PAGE_ORIGIN = "http://localhost:5173";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The agent's words, one every 150 ms, until the reply is stopped (or 200 words are out). */
/** These pieces, one every 150 ms. */
async function* pieces(...texts: string[]) {
  for (const text of texts) {
    await sleep(150);
    yield text;
  }
}

async function* words() {
  for (let i = 1; i <= 200; i += 1) {
    await sleep(150);
    yield `word${i} `;
  }
}

let browser: Browser;
const pageProblems = new WeakMap<Page, string[]>();
let page: { html: string; js: string };

beforeAll(async () => {
  page = await buildChatPage();
  // The page is served by route, so Chromium cannot place it in the loopback address space the API is in.
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-features=LocalNetworkAccessChecks,PrivateNetworkAccessChecks"],
  });
});

afterAll(async () => {
  await browser?.close();
});

const open = async (token: string, threadId: string): Promise<Page> => {
  const context = await browser.newContext();
  await context.route(`${PAGE_ORIGIN}/**`, (route) =>
    route.request().url().includes("/app.js")
      ? route.fulfill({ contentType: "text/javascript", body: page.js })
      : route.fulfill({ contentType: "text/html", body: page.html }),
  );
  const tab = await context.newPage();
  // What the page reports going wrong, shown when a step times out.
  const problems: string[] = [];
  tab.on("pageerror", (error) => problems.push(String(error)));
  tab.on("console", (message) => {
    if (message.type() === "error") problems.push(message.text());
  });
  tab.on("close", () => problems.length > 0 && console.error(problems.join("\n")));
  pageProblems.set(tab, problems);
  await tab.goto(`${PAGE_ORIGIN}/?api=${encodeURIComponent(base())}&token=${token}&thread=${threadId}`);
  return tab;
};

const replyText = (tab: Page) => tab.locator('#messages li[data-role="assistant"]').last().textContent();

/** The reply's text, sampled until `done` holds of it. */
const watchReply = async (tab: Page, done: (text: string) => boolean, timeoutMs = 15_000) => {
  const seen: string[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = (await replyText(tab).catch(() => null)) ?? "";
    if (text !== "" && text !== seen.at(-1)) seen.push(text);
    if (done(text)) return seen;
    if (Date.now() > deadline) throw new Error(`the reply never got there: ${JSON.stringify(seen)}`);
    await sleep(50);
  }
};

/** Ada, a thread of hers, and an agent (a workspace-wide key) to answer in it. */
const chatScene = async (title: string) => {
  const admin = await signIn("ADMIN");
  const ada = await signIn("USER");
  const { id: threadId } = await api<{ id: string }>(ada, "POST", "/threads", { title });
  const { secret } = await api<{ secret: string }>(admin, "POST", "/api-keys", {
    name: `chat-page-${randomUUID()}`,
    scopes: ["threads:read", "threads:all", "messages:write"],
  });
  return { ada, threadId, agent: createClient({ baseUrl: base(), token: secret }) };
};

describe("the useChat example page in Chromium", () => {
  it("shows the agent's reply word by word, resumes it after a reload, and stops it", { timeout: 90_000 }, async () => {
    const { ada, threadId, agent } = await chatScene("Chat page");
    const tab = await open(ada, threadId);
    await tab
      .locator("#prompt")
      .waitFor({ timeout: 15_000 })
      .catch((error: Error) => {
        throw new Error(`the page did not start: ${pageProblems.get(tab)?.join("; ")}`, { cause: error });
      });
    await tab.locator("#prompt").fill("Tell me about churn");
    await tab.locator("#send").click();

    // The agent answers the message it finds in the thread, one word at a time.
    let stored: { text: string; role: string }[] = [];
    for (let tries = 0; !stored.some((message) => message.text === "Tell me about churn"); tries += 1) {
      if (tries > 100) throw new Error("the page's message never reached the thread");
      await sleep(100);
      stored = await api(ada, "GET", `/threads/${threadId}/messages`);
    }
    const replying = streamReply(agent, threadId, words());

    // Word by word: the page shows the text growing through several lengths, not all at once.
    const growth = await watchReply(tab, (text) => text.includes("word6 "));
    expect(growth.length).toBeGreaterThanOrEqual(3);
    expect(growth.every((text, i) => i === 0 || text.startsWith(growth[i - 1] ?? ""))).toBe(true);

    // A reload mid-reply: the page loads the history, resumes the stream, and the reply goes on growing.
    const before = (await replyText(tab)) ?? "";
    await tab.reload();
    const after = await watchReply(tab, (text) => text.length > before.length + "word99 ".length * 3);
    expect(after.at(-1)?.startsWith("word1 word2 word3")).toBe(true);
    expect(await tab.locator('#messages li[data-role="user"]').allTextContents()).toEqual(["Tell me about churn"]);

    // Stop: the page calls the stop operation; the reply ends as stopped, and the agent's streamReply ends too.
    await tab.locator("#stop").click();
    await tab.locator('#messages li[data-ended="STOPPED"]').waitFor({ timeout: 15_000 });
    const stopped = await replying;
    expect(stopped).toMatchObject({ state: "INCOMPLETE", incomplete_reason: "STOPPED" });
    await expect.poll(() => replyText(tab)).toBe(stopped.text);
    expect(stopped.text).not.toContain("word200");
    await tab.context().close();
  });

  it("regenerates a reply: the agent hears of it, the page shows the new reply, the history keeps both", {
    timeout: 60_000,
  }, async () => {
    const { ada, threadId, agent } = await chatScene("Regenerate");
    const tab = await open(ada, threadId);
    await tab.locator("#prompt").waitFor({ timeout: 15_000 });
    await tab.locator("#prompt").fill("Is churn down?");
    await tab.locator("#send").click();
    await expect
      .poll(() => api<{ text: string }[]>(ada, "GET", `/threads/${threadId}/messages`), { timeout: 10_000 })
      .toHaveLength(1);
    await streamReply(agent, threadId, pieces("It ", "is."));
    await watchReply(tab, (text) => text === "It is.");
    await tab.locator("#regenerate:enabled").waitFor({ timeout: 10_000 });

    await tab.locator("#regenerate").click();
    const requests = () =>
      api<{ type: string; data: { previous_reply_id: string | null } }[]>(
        ada,
        "GET",
        `/threads/${threadId}/events`,
      ).then((events) => events.filter((event) => event.type === "message.reply_requested"));
    await expect.poll(requests, { timeout: 10_000 }).toHaveLength(1);
    await streamReply(agent, threadId, pieces("Yes: ", "from 4.1% ", "to 3.2%."));
    await watchReply(tab, (text) => text === "Yes: from 4.1% to 3.2%.");
    // On the page the new reply replaced the old one, as regenerate() does; the thread keeps both.
    expect(await tab.locator('#messages li[data-role="assistant"]').allTextContents()).toEqual([
      "Yes: from 4.1% to 3.2%.",
    ]);
    await tab.reload();
    await expect
      .poll(() => tab.locator('#messages li[data-role="assistant"]').allTextContents(), { timeout: 10_000 })
      .toEqual(["It is.", "Yes: from 4.1% to 3.2%."]);
    await tab.context().close();
  });
});
