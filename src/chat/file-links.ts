import type { Caller } from "../http/forwarded-caller";
import { type ChatEnv, callApi } from "./api";

/**
 * A URL a browser can open for an attached file: a signed link for an hour (POST /files/{id}/links), or,
 * where download links are not configured, the file's content URL, which needs the caller's credentials.
 */
export const fileUrl = async (env: ChatEnv, caller: Caller, fileId: string): Promise<string> => {
  const response = await callApi(env, caller, `/files/${fileId}/links`, {
    method: "POST",
    body: { disposition: "inline", expires_in: 3600 },
  });
  if (response.ok) return ((await response.json()) as { data: { url: string } }).data.url;
  return new URL(`/files/${fileId}/content`, caller.origin).href;
};

export type FileUrl = (fileId: string) => Promise<string>;
