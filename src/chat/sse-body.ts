const encoder = new TextEncoder();

/**
 * Objects as a server-sent event stream of `data:` lines (what the AI SDK and AG-UI both read), then `last`
 * if given; a comment every 15 s keeps it open. Cancelled by the client: `upstream` (the thread's stream)
 * is aborted — never a stop of the reply.
 */
export const sseBody = <T>(
  items: AsyncGenerator<T>,
  {
    upstream,
    last,
    failed,
    onError,
  }: {
    upstream: AbortController;
    last?: string;
    /** What to send when producing `items` failed. */
    failed: T;
    onError: (error: unknown) => void;
  },
) => {
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  const end = (controller: ReadableStreamDefaultController<Uint8Array>) => {
    clearInterval(heartbeat);
    upstream.abort();
    if (last !== undefined) controller.enqueue(encoder.encode(`data: ${last}\n\n`));
    controller.close();
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      heartbeat = setInterval(() => controller.enqueue(encoder.encode(": heartbeat\n\n")), 15_000);
    },
    async pull(controller) {
      try {
        const next = await items.next();
        if (next.done) return end(controller);
        controller.enqueue(encoder.encode(`data: ${JSON.stringify(next.value)}\n\n`));
      } catch (error) {
        onError(error);
        controller.enqueue(encoder.encode(`data: ${JSON.stringify(failed)}\n\n`));
        end(controller);
      }
    },
    async cancel() {
      clearInterval(heartbeat);
      upstream.abort();
      await items.return(undefined).catch(() => undefined);
    },
  });
};
