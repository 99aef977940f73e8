import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Probot } from "probot";
import { payloadProblem } from "./payloads.js";

// The webhook endpoint, in place of Probot's middleware, which buffers the whole body before it
// checks the signature: one large POST from anyone on the internet could exhaust the heap. Here the
// size is capped before and while reading, the HMAC is computed while the bytes arrive, and nothing
// is parsed until the signature matches. Then the payload's shape is checked (src/app/payloads.ts)
// so a signed but malformed body answers 400 with the field at fault instead of a TypeError.

/**
 * GitHub's own cap (docs.github.com/en/webhooks/webhook-events-and-payloads, "Payload cap"):
 * "Payloads are capped at 25 MB. If an event generates a larger payload, GitHub will not deliver a
 * payload for that webhook event." Anything larger did not come from GitHub.
 */
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;

/** GitHub gives up on a delivery after 10 s; a slower handler is acknowledged with 202 before that. */
export const ACK_AFTER_MS = 9_000;

export interface WebhookHandlerOptions {
  probot: Pick<Probot, "receive" | "log">;
  secret: string;
  path: string;
  maxBytes?: number;
  ackAfterMs?: number;
  /**
   * The web process of the queued App: a verified delivery is handed to this (de-duplicated by
   * delivery id) and answered 202 at once instead of being run here.
   */
  enqueue?: (delivery: { id: string; name: string; payload: unknown }) => Promise<"accepted" | "duplicate">;
  /** Events no handler takes are answered 200 without being queued. */
  handles?: (name: string, payload: unknown) => boolean;
  /** Deliveries caused by the App itself are dropped before they are queued. */
  isOwnEvent?: (payload: unknown) => Promise<boolean>;
  /** Longest wait for the queue (Redis) before answering 503, so GitHub retries. Default 5 s. */
  enqueueTimeoutMs?: number;
}

const JSON_TYPE = /^\s*application\/json\s*(?:;|$)/i;
const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

function send(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) return;
  res.writeHead(status, { "content-type": "application/json" });
  res.end(`${JSON.stringify(status < 300 ? { ok: message } : { error: message })}\n`);
}

/** Time a refused uploader gets to read the 413 before the connection is cut. */
const REFUSE_GRACE_MS = 500;

/**
 * 413, then the connection is cut shortly after. Until then Node discards (never keeps) what still
 * arrives. Not at once, and not with Connection: close: Node would then close the socket right after
 * the answer, and the reset that unread upload bytes cause can destroy the answer before the client
 * reads it.
 */
function refuse(req: IncomingMessage, res: ServerResponse, message: string): void {
  send(res, 413, message);
  res.once("finish", () => setTimeout(() => req.destroy(), REFUSE_GRACE_MS).unref());
}

type BodyResult = { body: Buffer; signed: boolean } | { tooLarge: true };

/** Reads at most `maxBytes`, hashing as it goes; stops reading at once when the cap is passed. */
function readSigned(
  req: IncomingMessage,
  secret: string,
  given: Buffer,
  maxBytes: number,
): Promise<BodyResult> {
  return new Promise((resolve, reject) => {
    const hmac = createHmac("sha256", secret);
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        req.pause();
        resolve({ tooLarge: true });
        return;
      }
      hmac.update(chunk);
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      const digest = hmac.digest();
      resolve({ body: Buffer.concat(chunks, size), signed: timingSafeEqual(digest, given) });
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}

/**
 * Handles `POST <path>`; returns false for any other path so the caller can answer it. Answers 413
 * over the cap, 400 for a bad signature, header or payload, 415 for a non-JSON body, 200 when the
 * handlers finished, 202 when they are still running after `ackAfterMs`.
 */
export function createWebhookHandler(options: WebhookHandlerOptions) {
  const { probot, secret, path } = options;
  const maxBytes = options.maxBytes ?? MAX_WEBHOOK_BYTES;
  const ackAfterMs = options.ackAfterMs ?? ACK_AFTER_MS;
  const tooLarge = `body over ${maxBytes} bytes: GitHub caps webhook payloads at 25 MB`;

  // A forged or mis-signed delivery is anyone on the internet: one WARN line with what identifies it,
  // never the body (attacker-controlled, up to 25 MB) nor a stack trace.
  const forged = (id: unknown, event: unknown) =>
    probot.log.warn(
      { deliveryId: String(id).slice(0, 200), event: String(event).slice(0, 64) },
      "webhook refused: signature does not match the secret",
    );

  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const pathname = (req.url ?? "").split("?")[0]!.replace(/\/+$/, "");
    if (pathname !== path.replace(/\/+$/, "")) return false;
    if (req.method !== "POST") {
      send(res, 404, `unknown route: ${req.method} ${pathname}`);
      return true;
    }
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > maxBytes) {
      // Answer before reading a byte, then drop the connection instead of draining the upload.
      refuse(req, res, tooLarge);
      return true;
    }
    if (!JSON_TYPE.test(req.headers["content-type"] ?? "")) {
      send(res, 415, 'Content-Type must be "application/json"');
      return true;
    }
    const name = req.headers["x-github-event"];
    const id = req.headers["x-github-delivery"];
    const signature = req.headers["x-hub-signature-256"];
    const missing = [
      typeof name === "string" && /^[a-z_]{1,64}$/.test(name) ? "" : "x-github-event",
      typeof id === "string" && id.length > 0 && id.length <= 200 ? "" : "x-github-delivery",
      typeof signature === "string" ? "" : "x-hub-signature-256",
    ].filter(Boolean);
    if (missing.length) {
      send(res, 400, `required headers missing or malformed: ${missing.join(", ")}`);
      return true;
    }
    const sig = SIGNATURE.exec(signature as string);
    if (!sig) {
      forged(id, name);
      send(
        res,
        400,
        "signature does not match event payload and secret: x-hub-signature-256 is not sha256=<hex>",
      );
      return true;
    }

    let read: BodyResult;
    try {
      read = await readSigned(req, secret, Buffer.from(sig[1]!, "hex"), maxBytes);
    } catch (err) {
      probot.log.warn({ err, deliveryId: id }, "webhook body could not be read");
      send(res, 400, "the request body could not be read");
      return true;
    }
    if ("tooLarge" in read) {
      refuse(req, res, tooLarge);
      return true;
    }
    if (!read.signed) {
      forged(id, name);
      send(res, 400, "signature does not match event payload and secret");
      return true;
    }
    let payload: unknown;
    try {
      payload = JSON.parse(read.body.toString("utf8"));
    } catch {
      send(res, 400, `${name} payload: the body is not JSON`);
      return true;
    }
    const problem = payloadProblem(name as string, payload);
    if (problem) {
      probot.log.warn({ deliveryId: id, event: name, problem }, "malformed webhook payload refused");
      send(res, 400, problem);
      return true;
    }

    if (options.enqueue) {
      await queueDelivery(options, res, { id: id as string, name: name as string, payload });
      return true;
    }

    const ack = setTimeout(() => send(res, 202, "still processing"), ackAfterMs);
    try {
      await probot.receive({ id, name, payload } as Parameters<Probot["receive"]>[0]);
      send(res, 200, "ok");
    } catch (err) {
      probot.log.error({ err, deliveryId: id, event: name }, "webhook handler failed");
      send(res, 500, `${name} delivery ${id} failed; the error is logged with the delivery id`);
    } finally {
      clearTimeout(ack);
    }
    return true;
  };
}

async function queueDelivery(
  options: WebhookHandlerOptions,
  res: ServerResponse,
  delivery: { id: string; name: string; payload: unknown },
): Promise<void> {
  const { probot } = options;
  const ids = { deliveryId: delivery.id, event: delivery.name };
  if (options.handles && !options.handles(delivery.name, delivery.payload)) {
    send(res, 200, "event not handled: ignored");
    return;
  }
  if (await options.isOwnEvent?.(delivery.payload).catch(() => false)) {
    probot.log.debug(ids, "the App's own event: not queued");
    send(res, 200, "the App's own event: ignored");
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    const result = await Promise.race([
      options.enqueue!(delivery),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`the queue did not answer within ${options.enqueueTimeoutMs ?? 5_000} ms`)),
          options.enqueueTimeoutMs ?? 5_000,
        );
      }),
    ]);
    send(res, 202, result === "accepted" ? "queued" : "duplicate delivery: already queued");
  } catch (err) {
    probot.log.error({ ...ids, err }, "delivery could not be queued");
    // 503: GitHub marks the delivery failed and it can be redelivered once the queue is back.
    send(res, 503, `${delivery.name} delivery ${delivery.id} could not be queued; redeliver it later`);
  } finally {
    clearTimeout(timer);
  }
}
