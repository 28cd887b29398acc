import { describe, expect, it } from "vitest";
import { type components, unwrap } from "../../sdk/src";
import { allEvents, json, newAgent, newThread, newUser, problemOf } from "../support/conversations";

type Block = components["schemas"]["Block"];
type InteractionResult = components["schemas"]["InteractionResult"];

const option = (value: string) => ({ text: { type: "plain_text" as const, text: value.toUpperCase() }, value });

const APPROVAL: Block[] = [
  { type: "section", block_id: "question", text: { type: "mrkdwn", text: "Approve the Q3 report?" } },
  {
    type: "actions",
    block_id: "approval",
    once: true,
    elements: [
      {
        type: "button",
        action_id: "approve",
        text: { type: "plain_text", text: "Approve" },
        value: "42",
        style: "primary",
      },
      { type: "button", action_id: "reject", text: { type: "plain_text", text: "Reject" }, value: "42" },
    ],
  },
  {
    type: "actions",
    block_id: "tools",
    elements: [
      { type: "static_select", action_id: "priority", options: [option("high"), option("low")] },
      { type: "overflow", action_id: "more", options: [option("edit"), option("logs")] },
      { type: "checkboxes", action_id: "notify", options: [option("email"), option("slack")] },
      { type: "radio_buttons", action_id: "size", options: [option("s"), option("l")] },
      { type: "datepicker", action_id: "due" },
    ],
  },
  {
    type: "section",
    block_id: "aside",
    text: { type: "plain_text", text: "Owner" },
    accessory: {
      type: "static_select",
      action_id: "owner",
      option_groups: [{ label: { type: "plain_text", text: "Team" }, options: [option("ada")] }],
    },
  },
];

const FORM: Block[] = [
  {
    type: "input",
    block_id: "reason",
    label: { type: "plain_text", text: "Reason" },
    element: { type: "plain_text_input", action_id: "reason_text", min_length: 5, max_length: 50 },
  },
  {
    type: "input",
    block_id: "priority",
    optional: true,
    label: { type: "plain_text", text: "Priority" },
    element: { type: "static_select", action_id: "pick", options: [option("high"), option("low")] },
  },
  {
    type: "input",
    block_id: "channels",
    label: { type: "plain_text", text: "Notify" },
    element: { type: "checkboxes", action_id: "which", options: [option("email"), option("slack")] },
  },
  {
    type: "input",
    block_id: "due",
    label: { type: "plain_text", text: "Due" },
    element: { type: "datepicker", action_id: "date" },
  },
];

/** A thread of a user's, with an agent's message carrying these blocks. */
const setUp = async (blocks: Block[]) => {
  const owner = await newUser();
  const agent = await newAgent();
  const thread = await newThread(owner.api);
  const message = await unwrap(
    agent.api.POST("/threads/{id}/messages", {
      params: { path: { id: thread.id } },
      body: { text: "Please decide", blocks },
    }),
  );
  const base = `/threads/${thread.id}/messages/${message.id}`;
  return { owner, agent, thread, message, base };
};

const act = async (http: (path: string, init?: RequestInit) => Promise<Response>, base: string, body: object) =>
  http(`${base}/actions`, json("POST", body));

describe("block actions", () => {
  it("records a click with who clicked, logs it, and lists it for the owner and agents", async () => {
    const { owner, agent, thread, message, base } = await setUp(APPROVAL);
    const response = await act(owner.http, base, {
      block_id: "tools",
      action_id: "priority",
      selected_options: ["high"],
    });
    expect(response.status).toBe(201);
    const { interaction } = (await response.json<{ data: InteractionResult }>()).data;
    expect(interaction).toMatchObject({
      kind: "block_action",
      message_id: message.id,
      actor: { type: "user", id: owner.id },
      action: { block_id: "tools", action_id: "priority", type: "static_select", selected_options: ["high"] },
    });
    const events = await allEvents(agent.api, thread.id);
    expect(events.at(-1)).toMatchObject({ type: "interaction.created", data: interaction });
    for (const api of [owner.api, agent.api]) {
      const listed = await unwrap(api.GET("/threads/{id}/interactions", { params: { path: { id: thread.id } } }));
      expect(listed).toEqual([interaction]);
    }
  });

  it.each([
    [
      "a button, recording its own value",
      { block_id: "approval", action_id: "reject" },
      { type: "button", value: "42" },
    ],
    ["an overflow option", { block_id: "tools", action_id: "more", selected_options: ["logs"] }, { type: "overflow" }],
    ["no checkbox at all", { block_id: "tools", action_id: "notify", selected_options: [] }, { selected_options: [] }],
    [
      "two checkboxes",
      { block_id: "tools", action_id: "notify", selected_options: ["email", "slack"] },
      { type: "checkboxes" },
    ],
    ["a radio button", { block_id: "tools", action_id: "size", selected_options: ["l"] }, { type: "radio_buttons" }],
    ["a date", { block_id: "tools", action_id: "due", selected_date: "2026-12-01" }, { selected_date: "2026-12-01" }],
    [
      "a grouped option in an accessory",
      { block_id: "aside", action_id: "owner", selected_options: ["ada"] },
      { type: "static_select" },
    ],
  ])("accepts %s", async (_what, body, recorded) => {
    const { owner, base } = await setUp(APPROVAL);
    const response = await act(owner.http, base, body);
    expect(response.status).toBe(201);
    expect((await response.json<{ data: InteractionResult }>()).data.interaction).toMatchObject({ action: recorded });
  });

  it.each([
    ["an unknown block", { block_id: "nope", action_id: "approve" }],
    ["an unknown action", { block_id: "approval", action_id: "nope" }],
    ["an option not offered", { block_id: "tools", action_id: "priority", selected_options: ["urgent"] }],
    ["two options of a menu", { block_id: "tools", action_id: "priority", selected_options: ["high", "low"] }],
    ["a menu with nothing chosen", { block_id: "tools", action_id: "priority", selected_options: [] }],
    ["the same checkbox twice", { block_id: "tools", action_id: "notify", selected_options: ["email", "email"] }],
    ["another value than the button's", { block_id: "approval", action_id: "approve", value: "43" }],
    ["options for a button", { block_id: "approval", action_id: "approve", selected_options: ["high"] }],
    ["a date that does not exist", { block_id: "tools", action_id: "due", selected_date: "2026-02-30" }],
    ["a block without interactive elements", { block_id: "question", action_id: "approve" }],
  ])("refuses %s with 422 action-invalid", async (_what, body) => {
    const { owner, base } = await setUp(APPROVAL);
    const response = await act(owner.http, base, body);
    expect(response.status).toBe(422);
    expect((await problemOf(response)).type).toMatch(/\/action-invalid$/);
  });

  it("answers a one-time row once: it becomes a line naming the choice, and another choice is 409", async () => {
    const { owner, agent, thread, base } = await setUp(APPROVAL);
    const response = await act(owner.http, base, { block_id: "approval", action_id: "approve" });
    expect(response.status).toBe(201);
    const { interaction, message } = (await response.json<{ data: InteractionResult }>()).data;
    expect(message.blocks[1]).toEqual({
      type: "context",
      block_id: "approval",
      elements: [{ type: "plain_text", text: "✓ Approve" }],
    });
    expect(message.edited_at).toBeNull();
    const events = await allEvents(agent.api, thread.id);
    expect(events.slice(-2).map((e) => e.type)).toEqual(["interaction.created", "message.updated"]);
    expect(events.at(-1)?.data).toMatchObject({ blocks: message.blocks });
    const again = await act(owner.http, base, { block_id: "approval", action_id: "reject" });
    expect(again.status).toBe(409);
    // The same click again (a retry whose answer was lost) answers what it recorded, and adds nothing.
    const retried = await act(owner.http, base, { block_id: "approval", action_id: "approve" });
    expect(retried.status).toBe(201);
    expect((await retried.json<{ data: InteractionResult }>()).data.interaction).toEqual(interaction);
    expect(await allEvents(agent.api, thread.id)).toHaveLength(events.length);
    const bob = await newUser("ADMIN");
    expect((await act(bob.http, base, { block_id: "approval", action_id: "approve" })).status).toBe(409);
  });

  it("refuses a mistaken action on a row that keeps taking actions as 422, whatever was chosen there before", async () => {
    const { owner, base } = await setUp(APPROVAL);
    const chosen = await act(owner.http, base, {
      block_id: "tools",
      action_id: "priority",
      selected_options: ["high"],
    });
    expect(chosen.status).toBe(201);
    for (const mistaken of [
      { block_id: "tools", action_id: "nope" },
      { block_id: "tools", action_id: "priority", selected_options: ["medium"] },
    ]) {
      const refused = await act(owner.http, base, mistaken);
      expect(refused.status, JSON.stringify(mistaken)).toBe(422);
      expect((await problemOf(refused)).type).toMatch(/\/action-invalid$/);
    }
  });

  it("lets exactly one of two simultaneous clicks on a one-time row through", async () => {
    const { owner, agent, thread, base } = await setUp(APPROVAL);
    const admin = await newUser("ADMIN");
    const results = await Promise.all([
      act(owner.http, base, { block_id: "approval", action_id: "approve" }),
      act(admin.http, base, { block_id: "approval", action_id: "reject" }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    const listed = await unwrap(agent.api.GET("/threads/{id}/interactions", { params: { path: { id: thread.id } } }));
    expect(listed).toHaveLength(1);
  });

  it("refuses deleted messages (409), archived threads (409), other users (404) and read-only users (403)", async () => {
    const { owner, thread, message, base } = await setUp(APPROVAL);
    const stranger = await newUser();
    expect((await act(stranger.http, base, { block_id: "approval", action_id: "approve" })).status).toBe(404);
    const viewer = await newUser("VIEWER");
    expect((await act(viewer.http, base, { block_id: "approval", action_id: "approve" })).status).toBe(403);
    await unwrap(
      owner.api.PATCH("/threads/{id}", { params: { path: { id: thread.id } }, body: { status: "ARCHIVED" } }),
    );
    expect((await act(owner.http, base, { block_id: "approval", action_id: "approve" })).status).toBe(409);
    await unwrap(owner.api.PATCH("/threads/{id}", { params: { path: { id: thread.id } }, body: { status: "ACTIVE" } }));
    await owner.http(`/threads/${thread.id}/messages/${message.id}`, { method: "DELETE" });
    expect((await act(owner.http, base, { block_id: "approval", action_id: "approve" })).status).toBe(409);
  });
});

describe("form submissions", () => {
  const submit = (http: (path: string, init?: RequestInit) => Promise<Response>, base: string, values: object) =>
    http(`${base}/submissions`, json("POST", { values }));

  it("records a valid submission, each value checked and typed", async () => {
    const { owner, agent, thread, base } = await setUp(FORM);
    const response = await submit(owner.http, base, {
      reason: { reason_text: { value: "Budget approved" } },
      channels: { which: { selected_options: ["slack"] } },
      due: { date: { selected_date: "2026-12-01" } },
    });
    expect(response.status).toBe(201);
    const { interaction } = (await response.json<{ data: InteractionResult }>()).data;
    expect(interaction).toMatchObject({
      kind: "form_submission",
      values: {
        reason: { reason_text: { type: "plain_text_input", value: "Budget approved" } },
        priority: { pick: { type: "static_select", selected_options: [] } },
        channels: { which: { type: "checkboxes", selected_options: ["slack"] } },
        due: { date: { type: "datepicker", selected_date: "2026-12-01" } },
      },
    });
    expect((await allEvents(agent.api, thread.id)).at(-1)).toMatchObject({
      type: "interaction.created",
      data: interaction,
    });
  });

  it("answers every field error at once, keyed by block_id, as 422 form-invalid", async () => {
    const { owner, base } = await setUp(FORM);
    const response = await submit(owner.http, base, {
      reason: { reason_text: { value: "meh" } },
      priority: { pick: { selected_options: ["urgent"] } },
      due: { date: { selected_date: "tomorrow" }, extra: { value: "x" } },
      unknown: { x: { value: "y" } },
    });
    expect(response.status).toBe(422);
    const problem = await problemOf(response);
    expect(problem.type).toMatch(/\/form-invalid$/);
    expect(problem.errors?.map((e) => e.path).sort()).toEqual([
      "channels",
      "due",
      "due",
      "priority",
      "reason",
      "unknown",
    ]);
    expect(problem.errors?.find((e) => e.path === "reason")?.message).toContain("5");
  });

  it("refuses a submission on a message without input blocks", async () => {
    const { owner, base } = await setUp(APPROVAL);
    const response = await submit(owner.http, base, {});
    expect(response.status).toBe(422);
    expect((await problemOf(response)).type).toMatch(/\/action-invalid$/);
  });

  it("refuses an input element acted on alone: inputs are submitted as a form", async () => {
    const { owner, base } = await setUp(FORM);
    const response = await act(owner.http, base, { block_id: "reason", action_id: "reason_text", value: "hello" });
    expect(response.status).toBe(422);
    expect((await problemOf(response)).detail).toContain("form submission");
  });
});
