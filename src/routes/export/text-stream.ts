import { errorMessage, type Logger } from "../../logging";

/**
 * A response body that asks `pieces` for its next piece only when the client has taken the one before (a pull
 * source with the default high-water mark of one chunk): what is held is the piece being written, never the
 * document. A failure midway ends the body early, and is logged: the status line has already gone.
 */
export const textStream = (pieces: AsyncGenerator<string>, log: Logger): ReadableStream<Uint8Array> => {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await pieces.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      } catch (error) {
        log.error("a thread export failed midway", { error: errorMessage(error) });
        controller.error(error);
      }
    },
    async cancel() {
      await pieces.return(undefined);
    },
  });
};
