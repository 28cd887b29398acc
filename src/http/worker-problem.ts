import { type ProblemType, problemTypes, problemTypeUri } from "./problem-types";

/**
 * A problem in the API's envelope (as src/http/problem.ts writes it), for the companion workers (src/mcp,
 * src/chat), which answer outside Hono: their clients read it as they read the API's.
 */
export const workerProblem = (
  type: ProblemType,
  detail: string,
  { requestId, instance }: { requestId: string; instance: string },
) => {
  const { status, title } = problemTypes[type];
  const error = { type: problemTypeUri(type), title, status, detail, instance, timestamp: new Date().toISOString() };
  return Response.json(
    { success: false, error: { ...error, trace_id: requestId } },
    { status, headers: { "X-Request-Id": requestId } },
  );
};
