// Realistic messages (adapted from TightknitAI/slack-block-kit-validator's real-world fixtures): zod and the
// published JSON Schema must both accept them.
export const realWorldMessages: [name: string, blocks: unknown[]][] = [
  [
    "a welcome message: header, section, divider and buttons",
    [
      { type: "header", text: { type: "plain_text", text: "Welcome!" } },
      {
        type: "section",
        text: { type: "mrkdwn", text: "Hi <@U123ABC>, thanks for joining. What would you like to do next?" },
      },
      { type: "divider" },
      {
        type: "actions",
        elements: [
          {
            type: "button",
            text: { type: "plain_text", text: "Start onboarding" },
            style: "primary",
            action_id: "start_onboarding",
            value: "start",
          },
          {
            type: "button",
            text: { type: "plain_text", text: "Take a tour" },
            action_id: "take_tour",
            url: "https://example.com/tour",
          },
        ],
      },
    ],
  ],
  [
    "a settings form: inputs with text, channel choice, checkboxes and a date",
    [
      {
        type: "input",
        block_id: "name",
        label: { type: "plain_text", text: "Display name" },
        element: { type: "plain_text_input", action_id: "name_input", min_length: 1, max_length: 50 },
      },
      {
        type: "input",
        block_id: "channel",
        label: { type: "plain_text", text: "Default channel" },
        element: {
          type: "static_select",
          action_id: "channel_pick",
          placeholder: { type: "plain_text", text: "Choose a channel" },
          option_groups: [
            {
              label: { type: "plain_text", text: "Public" },
              options: [
                { text: { type: "plain_text", text: "#general" }, value: "C001" },
                { text: { type: "plain_text", text: "#random" }, value: "C002" },
              ],
            },
            {
              label: { type: "plain_text", text: "Private" },
              options: [{ text: { type: "plain_text", text: "#core-team" }, value: "G001" }],
            },
          ],
        },
      },
      {
        type: "input",
        block_id: "notify",
        label: { type: "plain_text", text: "Notifications" },
        element: {
          type: "checkboxes",
          action_id: "notify_opts",
          options: [
            { text: { type: "mrkdwn", text: "*Replies* to my messages" }, value: "replies" },
            { text: { type: "mrkdwn", text: "*Mentions* of me" }, value: "mentions" },
          ],
          initial_options: [{ text: { type: "mrkdwn", text: "*Mentions* of me" }, value: "mentions" }],
        },
      },
      {
        type: "input",
        block_id: "digest",
        label: { type: "plain_text", text: "Digest" },
        hint: { type: "plain_text", text: "We send at most one a day." },
        element: {
          type: "radio_buttons",
          action_id: "digest_frequency",
          options: [
            { text: { type: "plain_text", text: "Daily" }, value: "daily" },
            {
              text: { type: "plain_text", text: "Weekly" },
              value: "weekly",
              description: { type: "mrkdwn", text: "On *Mondays*" },
            },
          ],
        },
        optional: true,
      },
      {
        type: "input",
        block_id: "vacation",
        dispatch_action: true,
        label: { type: "plain_text", text: "Away until" },
        element: { type: "datepicker", action_id: "away_until", initial_date: "2026-12-24" },
        optional: true,
      },
    ],
  ],
  [
    "a dashboard in rich text: mention, emoji and a bullet list",
    [
      { type: "header", text: { type: "plain_text", text: "Your dashboard" } },
      {
        type: "rich_text",
        elements: [
          {
            type: "rich_text_section",
            elements: [
              { type: "text", text: "Hey ", style: { bold: true } },
              { type: "user", user_id: "U123ABC" },
              { type: "text", text: ", here’s what’s new " },
              { type: "emoji", name: "wave", skin_tone: 2 },
            ],
          },
          {
            type: "rich_text_list",
            style: "bullet",
            elements: [
              { type: "rich_text_section", elements: [{ type: "text", text: "3 new replies" }] },
              { type: "rich_text_section", elements: [{ type: "text", text: "1 pending approval" }] },
            ],
          },
        ],
      },
    ],
  ],
  [
    "a deeply nested rich text block",
    [
      {
        type: "rich_text",
        elements: [
          {
            type: "rich_text_section",
            elements: [
              { type: "text", text: "Hi " },
              { type: "user", user_id: "U1" },
              { type: "text", text: " — ping " },
              { type: "broadcast", range: "channel" },
            ],
          },
          {
            type: "rich_text_list",
            style: "ordered",
            elements: [
              { type: "rich_text_section", elements: [{ type: "text", text: "one" }] },
              { type: "rich_text_section", elements: [{ type: "text", text: "two" }] },
            ],
          },
          {
            type: "rich_text_preformatted",
            language: "javascript",
            elements: [{ type: "text", text: "console.log(1)" }],
          },
          { type: "rich_text_quote", elements: [{ type: "text", text: "quoted" }] },
        ],
      },
    ],
  ],
  [
    "an approval request: fields, overflow, context, select, date and a confirmed button",
    [
      {
        type: "section",
        block_id: "request",
        text: {
          type: "mrkdwn",
          text: "You have a new request:\n*<https://example.com/requests/42|Fred Enriquez - Time off>*",
        },
        fields: [
          { type: "mrkdwn", text: "*Type:*\nPaid time off" },
          { type: "mrkdwn", text: "*When:*\nAug 10 - Aug 13" },
          { type: "plain_text", text: "Hours: 16.0 (2 days)", emoji: true },
        ],
        accessory: {
          type: "overflow",
          action_id: "request_menu",
          options: [
            { text: { type: "plain_text", text: "Open in HR" }, value: "open", url: "https://example.com/hr/42" },
            { text: { type: "plain_text", text: "Remind me" }, value: "remind" },
            { text: { type: "plain_text", text: "Mute" }, value: "mute" },
          ],
        },
      },
      {
        type: "context",
        elements: [
          { type: "image", image_url: "https://example.com/fred.png", alt_text: "Fred Enriquez" },
          { type: "mrkdwn", text: "Submitted by *Fred* · <!date^1764064800^{date_short} at {time}|Nov 25>" },
        ],
      },
      {
        type: "actions",
        block_id: "decision",
        elements: [
          {
            type: "static_select",
            action_id: "delegate",
            placeholder: { type: "plain_text", text: "Delegate to…" },
            options: [
              { text: { type: "plain_text", text: "Ada" }, value: "ada" },
              { text: { type: "plain_text", text: "Grace" }, value: "grace" },
            ],
            initial_option: { text: { type: "plain_text", text: "Ada" }, value: "ada" },
          },
          { type: "datepicker", action_id: "decide_by", placeholder: { type: "plain_text", text: "Decide by" } },
          {
            type: "button",
            text: { type: "plain_text", text: "Approve", emoji: true },
            action_id: "approve",
            style: "primary",
            value: "42",
          },
          {
            type: "button",
            text: { type: "plain_text", text: "Deny", emoji: true },
            action_id: "deny",
            style: "danger",
            value: "42",
            confirm: {
              title: { type: "plain_text", text: "Deny this request?" },
              text: { type: "mrkdwn", text: "Fred is notified *right away*." },
              confirm: { type: "plain_text", text: "Deny" },
              deny: { type: "plain_text", text: "Keep it" },
              style: "danger",
            },
          },
        ],
      },
      {
        type: "image",
        image_url: "https://example.com/calendar.png",
        alt_text: "Team calendar for August",
        title: { type: "plain_text", text: "Who else is away" },
      },
    ],
  ],
  [
    "an agent's answer: markdown blocks and a source line",
    [
      { type: "markdown", text: "## Summary\n\nThe build failed in **`api`** because of a flaky test." },
      { type: "markdown", text: "```ts\nexpect(response.status).toBe(200);\n```" },
      { type: "divider" },
      {
        type: "context",
        elements: [{ type: "mrkdwn", text: "Sources: <https://example.com/runs/981|run 981>", verbatim: true }],
      },
    ],
  ],
];
