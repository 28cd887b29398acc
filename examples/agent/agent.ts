// An agent in one file: it is called by a webhook when someone writes in a thread it is in, and answers with a
// reply streamed word by word. Partners import the SDK as `@experience-layer/sdk`; this example imports it from
// the repository's source. The "model" here echoes the message; put an LLM's token stream in its place.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createClient, streamReply, verifyWebhook, WebhookVerificationError } from "../../sdk/src/index";

export interface AgentOptions {
  /** The API, e.g. http://localhost:8787. */
  apiUrl: string;
  /** The agent's API key: `threads:read` and `messages:write` at least. */
  apiKey: string;
  /** The subscription's signing secret (`whsec_…`), shown when it was created. */
  secret: string;
  /** Where to listen (0: any free port). */
  port: number;
}

/** The "model": the answer to a message, as a stream of chunks. */
async function* answer(text: string) {
  for (const word of `You said: ${text}`.split(/(?<= )/)) yield word;
}

export const startAgent = async ({ apiUrl, apiKey, secret, port }: AgentOptions) => {
  const api = createClient({ baseUrl: apiUrl, token: apiKey });
  // Deliveries come at least once: a webhook-id seen before is acknowledged and not answered again.
  const seen = new Set<string>();
  const replies: Promise<unknown>[] = [];

  const server = createServer((request, response) => {
    if (request.method !== "POST") return void response.writeHead(200).end("the agent is listening\n");
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => {
      body += chunk;
    });
    request.on("end", () => {
      let event: ReturnType<typeof verifyWebhook>;
      try {
        event = verifyWebhook(secret, request.headers, body);
      } catch (error) {
        return void response.writeHead(error instanceof WebhookVerificationError ? 400 : 500).end();
      }
      // Answer at once (2xx within 10 s), then work: a slow answer would count as a failed delivery.
      response.writeHead(204).end();
      const id = String(request.headers["webhook-id"]);
      if (seen.has(id)) return;
      seen.add(id);
      // Only people's messages: the agent's own replies are message.created events too.
      if (event.type !== "message.created" || event.data.actor?.type !== "user") return;
      const { thread_id, data: message } = event.data;
      replies.push(
        streamReply(api, thread_id, answer(message.text), { start: { parent_id: message.id } }).catch((error) =>
          console.error(`replying in ${thread_id} failed:`, error),
        ),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const { port: listening } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${listening}`,
    /** Stops listening once the replies in flight are done. */
    stop: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all(replies);
    },
  };
};
