import { DurableObject } from "cloudflare:workers";
import type { Bindings } from "../env";

/**
 * One instance per thread will fan live events out to SSE/WebSocket subscribers. The binding and
 * class exist now so the deployment shape is fixed; the fan-out itself belongs to the real-time
 * issue and until then every request answers 501.
 */
export class ThreadHub extends DurableObject<Bindings> {
  override async fetch(): Promise<Response> {
    return new Response(null, { status: 501 });
  }
}
