import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { GUIDES } from "../../scripts/guides.mjs";
import { repoRoot } from "./support/dev-server";

// Debian's chromium (apt-get install chromium), so no browser download is needed here or in CI.
const CHROMIUM = "/usr/bin/chromium";
// What works as root in a container; quiet so the browser itself makes no requests of its own.
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const WAIT = { timeout: 15_000 };

let browser: Browser;

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
});

interface DocsPage {
  page: Page;
  /** Every URL the page fetched from the service. */
  loaded: string[];
  /** Every URL the page tried to fetch from anywhere else; those requests were aborted. */
  external: string[];
}

/** Opens /docs in a fresh context that may only talk to the service under test. */
const openDocs = async (): Promise<DocsPage> => {
  const origin = inject("baseUrl");
  const context = await browser.newContext();
  const loaded: string[] = [];
  const external: string[] = [];
  await context.route(
    (url) => url.origin !== origin,
    (route) => {
      external.push(route.request().url());
      return route.abort();
    },
  );
  const page = await context.newPage();
  page.on("response", (response) => {
    if (response.ok()) loaded.push(new URL(response.url()).pathname);
  });
  await page.goto(`${origin}/docs`);
  return { page, loaded, external };
};

/** Expands the operation's tag in Scalar's sidebar if needed, opens the operation and waits for its heading. */
const showOperation = async (page: Page, tag: string, summary: string) => {
  const sidebar = page.getByRole("complementary");
  // Scalar labels the toggle "Open Group - Users" or "Close Group - Users" and keeps aria-expanded in sync.
  const group = sidebar.getByRole("button", { name: new RegExp(`Group - ${tag}$`) });
  if ((await group.getAttribute("aria-expanded", WAIT)) !== "true") await group.click(WAIT);
  await sidebar.getByText(summary, { exact: true }).click(WAIT);
  // waitFor throws (failing the test) unless the operation's section actually renders.
  await page.getByRole("heading", { name: summary }).waitFor(WAIT);
};

test("/docs renders every operation from this service, with no CDN", async () => {
  const { page, loaded, external } = await openDocs();
  try {
    await showOperation(page, "Health", "Check service health");
    await showOperation(page, "Users", "Create a user");
    await showOperation(page, "Users", "List users");

    expect(loaded).toEqual(expect.arrayContaining(["/docs", "/docs/scalar.js", "/openapi.json"]));
    expect(external, "requests to hosts other than the service").toEqual([]);
  } catch (error) {
    const screenshot = join(tmpdir(), "e2e-docs-failure.png");
    await page.screenshot({ path: screenshot });
    console.error(`/docs as it looked when the test failed: ${screenshot}`);
    throw error;
  } finally {
    await page.context().close();
  }
});

test("/docs offers only what works from this server: no hosted-service buttons", async () => {
  const { page } = await openDocs();
  try {
    await showOperation(page, "Health", "Check service health");
    const buttons = (await page.getByRole("button").allInnerTexts()).map((text) => text.trim());
    // Scalar's defaults that lead to its hosted services (or do nothing offline).
    for (const hosted of ["Ask AI", "VS Code", "Cursor", "Developer Tools", "Configure", "Share", "Deploy"]) {
      expect(buttons, `a "${hosted}" button`).not.toContain(hosted);
    }
    // What works here stays: the document's download and trying a request against this server.
    expect(buttons).toContain("Download OpenAPI Document");
    expect(buttons.some((text) => text.startsWith("Test Request"))).toBe(true);
  } finally {
    await page.context().close();
  }
});

/** A guide's title: the `#` heading it starts with. */
const titleOf = (guide: string) => {
  const title = /^# (.+)$/m.exec(readFileSync(join(repoRoot, "docs", `${guide}.md`), "utf8"))?.[1];
  if (!title) throw new Error(`docs/${guide}.md has no # title`);
  return title;
};

test("/docs opens with the guides: each one in the sidebar, rendered with its sections", async () => {
  const { page } = await openDocs();
  try {
    const sidebar = page.getByRole("complementary");
    for (const guide of GUIDES) {
      const title = titleOf(guide);
      await sidebar.getByText(title, { exact: true }).first().waitFor(WAIT);
      await page.getByRole("heading", { name: title, exact: true }).first().waitFor(WAIT);
    }
    // A section inside a guide renders too, with its code block.
    await page.getByRole("heading", { name: "Take the tour", exact: true }).first().waitFor(WAIT);
    await page.getByText("curl http://localhost:8787/health").first().waitFor(WAIT);
  } catch (error) {
    const screenshot = join(tmpdir(), "e2e-docs-guides-failure.png");
    await page.screenshot({ path: screenshot, fullPage: true });
    console.error(`/docs as it looked when the test failed: ${screenshot}`);
    throw error;
  } finally {
    await page.context().close();
  }
});

test("/docs shows the webhooks section: each payload a subscription receives", async () => {
  const { page } = await openDocs();
  try {
    const sidebar = page.getByRole("complementary");
    // The Webhooks tag's group (after the Webhooks guide's): its operations, then the payloads it sends.
    await sidebar
      .getByRole("button", { name: /Group - Webhooks$/ })
      .last()
      .click(WAIT);
    await sidebar.getByText("message.created delivery", { exact: true }).first().click(WAIT);
    await page.getByRole("heading", { name: "message.created delivery" }).first().waitFor(WAIT);
    await page.getByText("webhook-signature").first().waitFor(WAIT);
  } catch (error) {
    const screenshot = join(tmpdir(), "e2e-docs-webhooks-failure.png");
    await page.screenshot({ path: screenshot, fullPage: true });
    console.error(`/docs as it looked when the test failed: ${screenshot}`);
    throw error;
  } finally {
    await page.context().close();
  }
});
