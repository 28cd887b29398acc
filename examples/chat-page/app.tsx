import { useChat } from "@ai-sdk/react";
import { DefaultChatTransport, type UIMessage } from "ai";
import { type FormEvent, StrictMode, useMemo, useState } from "react";
import { createRoot } from "react-dom/client";

// A chat page on the API with the AI SDK's useChat, nothing else: the thread is the chat, the API streams the
// agent's reply, resumes it after a reload, stops it and regenerates it. Opened as ?api=…&token=…&thread=… (see README.md).

/** What the API puts in a chat message's metadata (ChatMessageMetadata in the contract), as far as the page reads it. */
interface ChatMetadata {
  message_id?: string;
  state?: "COMPLETE" | "STREAMING" | "INCOMPLETE";
  incomplete_reason?: "TIMED_OUT" | "STOPPED" | null;
}
type ChatMessage = UIMessage<ChatMetadata>;

const params = new URLSearchParams(location.search);
const API = params.get("api") ?? "http://localhost:8787";
const THREAD = params.get("thread") ?? "";
const headers = { Authorization: `Bearer ${params.get("token") ?? ""}` };

const textOf = (message: ChatMessage) => message.parts.map((part) => (part.type === "text" ? part.text : "")).join("");

function Chat({ history }: { history: ChatMessage[] }) {
  const transport = useMemo(
    () =>
      new DefaultChatTransport<ChatMessage>({
        api: `${API}/chat`,
        headers,
        // The thread has the rest: send only the last message (the new one, or the one to answer again).
        prepareSendMessagesRequest: ({ id, messages, trigger, messageId }) => ({
          body: { id, messages: messages.slice(-1), trigger, messageId },
        }),
      }),
    [],
  );
  const { messages, sendMessage, regenerate, status } = useChat<ChatMessage>({
    id: THREAD,
    messages: history,
    transport,
    resume: true,
  });
  const [input, setInput] = useState("");
  const busy = status === "submitted" || status === "streaming";
  const last = messages.at(-1);

  const send = (event: FormEvent) => {
    event.preventDefault();
    if (input.trim() === "") return;
    void sendMessage({ text: input });
    setInput("");
  };
  // Stop generating: the API ends the reply for every device (closing the stream would not).
  const stopReply = async () => {
    if (last?.role !== "assistant") return;
    await fetch(`${API}/threads/${THREAD}/messages/${last.id}/stop`, { method: "POST", headers });
  };

  return (
    <main>
      <ol id="messages">
        {messages.map((message) => (
          <li key={message.id} data-role={message.role} data-ended={message.metadata?.incomplete_reason ?? ""}>
            {textOf(message)}
          </li>
        ))}
      </ol>
      <form onSubmit={send}>
        <input id="prompt" value={input} onChange={(event) => setInput(event.target.value)} />
        <button id="send" type="submit" disabled={busy}>
          Send
        </button>
        <button id="stop" type="button" onClick={stopReply} disabled={last?.role !== "assistant" || !busy}>
          Stop
        </button>
        {/* A new reply from the agents; the previous one stays in the thread's history. */}
        <button
          id="regenerate"
          type="button"
          onClick={() => void regenerate()}
          disabled={last?.role !== "assistant" || busy}
        >
          Regenerate
        </button>
      </form>
      <p id="status">{status}</p>
    </main>
  );
}

const root = document.getElementById("root");
if (root) {
  // The chat's history first (the API's UIMessages), then the page, which resumes a reply in progress.
  const response = await fetch(`${API}/chat/${THREAD}/messages?limit=100`, { headers });
  const { data } = (await response.json()) as { data: ChatMessage[] };
  createRoot(root).render(
    <StrictMode>
      <Chat history={data} />
    </StrictMode>,
  );
}
