import { pageEnvelope } from "../../schemas/common";
import { MentionSchema, mentionExample } from "../../wire/mentions";

export const MentionPage = pageEnvelope(MentionSchema, "MentionPage", mentionExample);
