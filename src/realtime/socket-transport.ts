import type { Logger } from "../logging";
import type { Frame, SubscribeRequest, Watcher } from "./watcher";

// A watcher over a hibernatable WebSocket: the hub may sleep while it is open, so what the hub needs to go on
// is kept in the socket's attachment. The worker forwards the upgrade with the subscription in headers.

/** WebSocket close code of a `reset` (RFC 6455 leaves 4000–4999 to applications). */
export const RESET_CLOSE_CODE = 4000;
/** A client's ping (text) is answered `pong` by the runtime itself, without waking the hub. */
export const PING = "ping";
export const PONG = "pong";

/** What a hibernatable WebSocket keeps across the hub's sleeps (its serialized attachment). */
interface SocketState extends SubscribeRequest {
  lastSeq: number;
  openedAt: number;
}

/** The subscription as headers of the upgrade the worker forwards to the hub. */
export const subscriptionHeaders = (subscription: SubscribeRequest): Record<string, string> => ({
  Upgrade: "websocket",
  "X-Log-Id": subscription.logId,
  "X-After": String(subscription.after),
  "X-Holder": subscription.holder,
  "X-Request-Id": subscription.requestId,
});

export const subscriptionOf = (request: Request): SubscribeRequest => ({
  logId: request.headers.get("X-Log-Id") ?? "",
  after: Number(request.headers.get("X-After") ?? 0),
  holder: request.headers.get("X-Holder") ?? "",
  requestId: request.headers.get("X-Request-Id") ?? "",
});

/** A WebSocket message: the frame as JSON, its `id` a string as in SSE. */
const socketText = ({ id, event, data }: Frame) =>
  JSON.stringify(id === undefined ? { event, data } : { id: String(id), event, data });

/** The watcher of a socket the hub holds, from its attachment (the socket outlives the hub's memory). */
export const socketWatcher = (ws: WebSocket): Watcher => {
  const state = ws.deserializeAttachment() as SocketState;
  return {
    holder: state.holder,
    lastSeq: state.lastSeq,
    openedAt: state.openedAt,
    send: (frame) => {
      try {
        ws.send(socketText(frame));
      } catch {
        // Closing or closed: webSocketClose tidies up.
      }
    },
    advance(seq) {
      this.lastSeq = seq;
      ws.serializeAttachment({ ...state, lastSeq: seq });
    },
    heartbeat: () => {},
    close: (why) => {
      try {
        if (why === "reset") ws.close(RESET_CLOSE_CODE, "reset");
        else ws.close(1000, "Open an hour: reconnect with ?after=<the last id>.");
      } catch {
        // Already closed.
      }
    },
  };
};

/** Accepts the socket (hibernatable, tagged with its holder): the client's end and the hub's watcher. */
export const acceptSocket = (ctx: DurableObjectState, subscription: SubscribeRequest) => {
  const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
  ctx.acceptWebSocket(server, [subscription.holder]);
  const state: SocketState = { ...subscription, lastSeq: subscription.after, openedAt: Date.now() };
  server.serializeAttachment(state);
  return { client, watcher: socketWatcher(server) };
};

/** The client closed: log it and complete the closing handshake. */
export const socketClosed = (ws: WebSocket, code: number, logger: Logger) => {
  const state = ws.deserializeAttachment() as SocketState;
  logger.info("stream ended", {
    request_id: state.requestId,
    transport: "websocket",
    holder: state.holder,
    why: `close ${code}`,
    last_seq: state.lastSeq,
  });
  try {
    // 1005: the client sent no code.
    ws.close(code === 1005 ? 1000 : code, "closed");
  } catch {
    // Already closed.
  }
};
