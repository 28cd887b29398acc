import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getDb } from "../../src/repositories/db";
import { uniqueEmail } from "../support/factories";

// The migrations, as applied to real local D1, enforce the ownership rules later issues rely on.
const db = getDb(env.DB);

const seedThread = async () => {
  const user = await db.user.create({ data: { email: uniqueEmail("model"), name: "Model" } });
  const thread = await db.thread.create({ data: { ownerId: user.id, title: "T", memory: { facts: ["a"] } } });
  const message = await db.message.create({
    data: { threadId: thread.id, authorId: user.id, text: "hi", blocks: [{ type: "section" }] },
  });
  const reaction = await db.reaction.create({ data: { messageId: message.id, userId: user.id, emoji: "tada" } });
  const file = await db.file.create({
    data: {
      uploadedById: user.id,
      threadId: thread.id,
      filename: "a.png",
      contentType: "image/png",
      sizeBytes: 10,
      storageKey: `files/${crypto.randomUUID()}`,
    },
  });
  await db.messageFile.create({ data: { messageId: message.id, fileId: file.id } });
  const artifact = await db.artifact.create({
    data: { threadId: thread.id, messageId: message.id, createdById: user.id, type: "REPORT", title: "R" },
  });
  await db.artifactVersion.create({ data: { artifactId: artifact.id, version: 1, content: { body: "v1" } } });
  await db.artifactFile.create({ data: { artifactId: artifact.id, fileId: file.id } });
  return { user, thread, message, reaction, file, artifact };
};

describe("data model", () => {
  it("deleting a thread deletes its messages, reactions, attachments, artifacts, versions and files", async () => {
    const { thread, message, reaction, file, artifact } = await seedThread();
    await db.thread.delete({ where: { id: thread.id } });
    expect(await db.message.findUnique({ where: { id: message.id } })).toBeNull();
    expect(await db.reaction.findUnique({ where: { id: reaction.id } })).toBeNull();
    expect(await db.artifact.findUnique({ where: { id: artifact.id } })).toBeNull();
    expect(await db.artifactVersion.count({ where: { artifactId: artifact.id } })).toBe(0);
    expect(await db.file.findUnique({ where: { id: file.id } })).toBeNull();
    expect(await db.messageFile.count({ where: { fileId: file.id } })).toBe(0);
    expect(await db.artifactFile.count({ where: { fileId: file.id } })).toBe(0);
  });

  it("deleting a message keeps the artifact it produced, detached", async () => {
    const { message, artifact } = await seedThread();
    await db.message.delete({ where: { id: message.id } });
    expect(await db.artifact.findUnique({ where: { id: artifact.id } })).toMatchObject({ messageId: null });
  });

  it("stores JSON columns (memory, blocks, artifact content) as structured values", async () => {
    const { thread, message, artifact } = await seedThread();
    expect((await db.thread.findUnique({ where: { id: thread.id } }))?.memory).toEqual({ facts: ["a"] });
    expect((await db.message.findUnique({ where: { id: message.id } }))?.blocks).toEqual([{ type: "section" }]);
    const version = await db.artifactVersion.findFirst({ where: { artifactId: artifact.id } });
    expect(version?.content).toEqual({ body: "v1" });
  });

  it("allows one reaction per user, emoji and message", async () => {
    const { reaction } = await seedThread();
    await expect(
      db.reaction.create({ data: { messageId: reaction.messageId, userId: reaction.userId, emoji: "tada" } }),
    ).rejects.toMatchObject({ code: "P2002" });
  });

  it("numbers artifact versions uniquely per artifact", async () => {
    const { artifact } = await seedThread();
    await expect(
      db.artifactVersion.create({ data: { artifactId: artifact.id, version: 1, content: {} } }),
    ).rejects.toMatchObject({ code: "P2002" });
  });

  it("rejects a message in a thread that does not exist", async () => {
    await expect(db.message.create({ data: { threadId: "cnothread000000000000000", text: "x" } })).rejects.toThrow();
  });
});
