import { apiKeysRepository } from "./api-keys.repository";
import { artifactsRepository } from "./artifacts.repository";
import { getDb, type Store } from "./db";
import { eventsRepository } from "./events.repository";
import { filesRepository } from "./files.repository";
import { healthRepository } from "./health.repository";
import { idempotencyRepository } from "./idempotency.repository";
import { interactionsRepository } from "./interactions.repository";
import { messagesRepository } from "./messages.repository";
import { reactionsRepository } from "./reactions.repository";
import { readsRepository } from "./reads.repository";
import { searchRepository } from "./search.repository";
import { sessionsRepository } from "./sessions.repository";
import { storageRepository } from "./storage.repository";
import { streamedMessagesRepository } from "./streamed-messages.repository";
import { threadAgentsRepository } from "./thread-agents.repository";
import { threadsRepository } from "./threads.repository";
import { uploadsRepository } from "./uploads.repository";
import { userEventsRepository } from "./user-events.repository";
import { usersRepository } from "./users.repository";
import { webhookDeliveriesRepository } from "./webhook-deliveries.repository";
import { webhooksRepository } from "./webhooks.repository";

const build = (store: Store) => ({
  apiKeys: apiKeysRepository(store),
  artifacts: artifactsRepository(store),
  events: eventsRepository(store),
  files: filesRepository(store),
  health: healthRepository(store),
  idempotency: idempotencyRepository(store),
  interactions: interactionsRepository(store),
  messages: messagesRepository(store),
  reactions: reactionsRepository(store),
  reads: readsRepository(store),
  search: searchRepository(store),
  sessions: sessionsRepository(store),
  storage: storageRepository(store),
  streamedMessages: streamedMessagesRepository(store),
  threadAgents: threadAgentsRepository(store),
  threads: threadsRepository(store),
  uploads: uploadsRepository(store),
  userEvents: userEventsRepository(store),
  users: usersRepository(store),
  webhooks: webhooksRepository(store),
  webhookDeliveries: webhookDeliveriesRepository(store),
});

export type Repositories = ReturnType<typeof build>;

const built = new WeakMap<D1Database, Repositories>();

/**
 * Every repository, over the D1 binding of whatever holds it: a request's context (whose binding routes each
 * query to the request's D1 session and times it), a hub, the queue consumer or the housekeeping job. Made once
 * per binding per isolate, like its PrismaClient (./db.ts): repositories keep no state of their own.
 */
export const repositories = ({ env }: { env: { DB: D1Database } }): Repositories => {
  let found = built.get(env.DB);
  if (!found) {
    found = build({ db: getDb(env.DB), d1: env.DB });
    built.set(env.DB, found);
  }
  return found;
};
