import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A small local stand-in for api.stripe.com, for the real `stripe` SDK (pointed here with its
 * host/port/protocol options). It implements only the endpoints Spotkeeper calls, answers with
 * Stripe's object shapes, honours Idempotency-Key like Stripe (same key → same response; same key
 * with other parameters → 400 idempotency_error) and records every request so tests can assert
 * amounts, currencies and keys. Test payment methods behave like Stripe's.
 */
export type Recorded = { method: string; path: string; body: Record<string, unknown>; idempotencyKey?: string };

const DECLINES: Record<string, { decline_code: string; message: string }> = {
  pm_card_chargeDeclined: { decline_code: "generic_decline", message: "Your card was declined." },
  pm_card_chargeDeclinedInsufficientFunds: {
    decline_code: "insufficient_funds",
    message: "Your card has insufficient funds.",
  },
};
const SUCCEEDS = new Set(["pm_card_visa", "pm_card_mastercard"]);
/** The card behind each test payment method, as Stripe shows a saved one. */
const CARDS: Record<string, { brand: string; last4: string }> = {
  pm_card_visa: { brand: "visa", last4: "4242" },
  pm_card_mastercard: { brand: "mastercard", last4: "4444" },
};

const newId = (p: string) => `${p}_${randomBytes(12).toString("hex")}`;
const now = () => Math.floor(Date.now() / 1000);

/** Stripe's form encoding (a[b][c]=v, a[0]=v) back into objects. */
function decodeForm(raw: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    const path = key.replace(/\]/g, "").split("[");
    let node = out as Record<string, unknown>;
    path.forEach((part, i) => {
      if (i === path.length - 1) node[part] = value;
      else node = (node[part] ??= {}) as Record<string, unknown>;
    });
  }
  return out;
}

const read = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let s = "";
    req.on("data", (c) => (s += c)).on("end", () => resolve(s));
  });

// Stripe's objects as the API sends them: loosely shaped JSON that each route reads and fills in.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type StripeObject = Record<string, any>;

export async function startFakeStripe() {
  const requests: Recorded[] = [];
  const intents = new Map<string, StripeObject>();
  const refunds = new Map<string, StripeObject>();
  // Cards attached to customers: "customer|pm" → PaymentMethod. Stripe turns a test token into a new
  // pm_… each time it is used; here the token itself is the id, attached to every customer who paid with it.
  const attached = new Map<string, StripeObject>();
  const idempotent = new Map<string, { body: string; status: number; response: unknown }>();
  // Outage simulation: the next `left` requests matching `path` answer 500. `afterProcessing` models
  // an answer lost on the way back: Stripe did the work (and keeps the idempotent result), the
  // client only saw a server error.
  let outage = {
    left: 0,
    path: undefined as RegExp | undefined,
    afterProcessing: false,
    shouldRetry: undefined as boolean | undefined,
  };
  // Refusals: every request whose "METHOD /path body" matches answers this 4xx (a processor that
  // keeps saying no to one row, e.g. a refund of one PaymentIntent), until cleared.
  const refusals: { match: RegExp; status: number; error: Record<string, unknown> }[] = [];
  // "pending": refunds stay pending until completeRefund (as bank-transfer refunds do at Stripe).
  let refundMode: "succeeded" | "pending" = "succeeded";
  // Held requests: those whose "METHOD /path" matches wait for their hold's release (a slow Stripe).
  const holds: { path: RegExp; released: Promise<void> }[] = [];

  function confirm(pi: StripeObject, pm: string): [number, unknown] {
    pi.payment_method = pm;
    if (SUCCEEDS.has(pm)) {
      Object.assign(pi, {
        status: "succeeded",
        amount_received: pi.amount,
        latest_charge: newId("ch"),
        last_payment_error: null,
      });
      // setup_future_usage with a customer: the payment method is attached to it once the payment succeeds.
      if (pi.customer && pi.setup_future_usage && !attached.has(`${pi.customer}|${pm}`)) {
        const card = CARDS[pm]!;
        attached.set(`${pi.customer}|${pm}`, {
          id: pm,
          object: "payment_method",
          type: "card",
          customer: pi.customer,
          allow_redisplay: "unspecified",
          billing_details: { address: null, email: null, name: null, phone: null },
          card: { ...card, exp_month: 12, exp_year: new Date().getUTCFullYear() + 3, funding: "credit", country: "US" },
          metadata: {},
          created: now(),
          livemode: false,
        });
      }
      return [200, pi];
    }
    const d = DECLINES[pm];
    if (!d) {
      return [
        400,
        {
          error: {
            type: "invalid_request_error",
            code: "resource_missing",
            param: "payment_method",
            message: `No such PaymentMethod: '${pm}'`,
          },
        },
      ];
    }
    const error = {
      type: "card_error",
      code: "card_declined",
      decline_code: d.decline_code,
      message: d.message,
      payment_method: { id: pm, object: "payment_method" },
    };
    Object.assign(pi, { status: "requires_payment_method", payment_method: null, last_payment_error: error });
    return [402, { error: { ...error, payment_intent: pi } }];
  }

  function route(method: string, path: string, body: StripeObject): [number, unknown] {
    if (method === "POST" && path === "/v1/customers") {
      return [
        200,
        {
          id: newId("cus"),
          object: "customer",
          email: body.email ?? null,
          name: body.name ?? null,
          metadata: body.metadata ?? {},
          created: now(),
          livemode: false,
        },
      ];
    }
    if (method === "POST" && path === "/v1/payment_intents") {
      const pi: StripeObject = {
        id: newId("pi"),
        object: "payment_intent",
        amount: Number(body.amount),
        amount_received: 0,
        currency: body.currency,
        customer: body.customer ?? null,
        description: body.description ?? null,
        metadata: body.metadata ?? {},
        payment_method: body.payment_method ?? null,
        setup_future_usage: body.setup_future_usage ?? null,
        status: "requires_payment_method",
        last_payment_error: null,
        latest_charge: null,
        client_secret: `${newId("pi")}_secret_${randomBytes(8).toString("hex")}`,
        created: now(),
        livemode: false,
      };
      pi.client_secret = `${pi.id}_secret_${randomBytes(8).toString("hex")}`;
      intents.set(pi.id, pi);
      if (body.confirm === "true") return confirm(pi, String(body.payment_method));
      return [200, pi];
    }
    const confirmMatch = /^\/v1\/payment_intents\/([^/]+)\/confirm$/.exec(path);
    if (method === "POST" && confirmMatch) {
      const pi = intents.get(confirmMatch[1]!);
      if (!pi)
        return [
          404,
          { error: { type: "invalid_request_error", code: "resource_missing", message: "No such payment_intent" } },
        ];
      if (pi.status === "succeeded") {
        return [
          400,
          {
            error: {
              type: "invalid_request_error",
              code: "payment_intent_unexpected_state",
              message: "This PaymentIntent has already succeeded.",
            },
          },
        ];
      }
      return confirm(pi, String(body.payment_method));
    }
    const customerPms = /^\/v1\/customers\/([^/]+)\/payment_methods$/.exec(path);
    if (method === "GET" && customerPms) {
      const data = [...attached.values()]
        .filter((m) => m.customer === customerPms[1] && (!body.type || m.type === body.type))
        .reverse();
      return [200, { object: "list", url: path, has_more: false, data }];
    }
    if (method === "GET" && path === "/v1/payment_intents") {
      const data = [...intents.values()].filter((pi) => !body.customer || pi.customer === body.customer).reverse();
      return [200, { object: "list", url: path, has_more: false, data }];
    }
    if (method === "GET" && path === "/v1/refunds") {
      const data = [...refunds.values()]
        .filter((r) => !body.payment_intent || r.payment_intent === body.payment_intent)
        .reverse();
      return [200, { object: "list", url: path, has_more: false, data }];
    }
    const refundMatch = /^\/v1\/refunds\/([^/]+)$/.exec(path);
    if (method === "GET" && refundMatch) {
      const r = refunds.get(refundMatch[1]!);
      return r
        ? [200, r]
        : [404, { error: { type: "invalid_request_error", code: "resource_missing", message: "No such refund" } }];
    }
    const getMatch = /^\/v1\/payment_intents\/([^/]+)$/.exec(path);
    if (method === "GET" && getMatch) {
      const pi = intents.get(getMatch[1]!);
      return pi
        ? [200, pi]
        : [
            404,
            { error: { type: "invalid_request_error", code: "resource_missing", message: "No such payment_intent" } },
          ];
    }
    if (method === "POST" && path === "/v1/refunds") {
      const pi = intents.get(String(body.payment_intent));
      if (!pi || pi.status !== "succeeded") {
        return [
          400,
          {
            error: {
              type: "invalid_request_error",
              code: "charge_not_refundable",
              message: "This PaymentIntent has no successful charge to refund.",
            },
          },
        ];
      }
      const already = [...refunds.values()].filter((r) => r.payment_intent === pi.id).reduce((s, r) => s + r.amount, 0);
      const amount = body.amount ? Number(body.amount) : pi.amount - already;
      if (already + amount > pi.amount) {
        return [
          400,
          {
            error: {
              type: "invalid_request_error",
              code: "charge_already_refunded",
              message: `Refund amount (${amount}) is greater than unrefunded amount on charge (${pi.amount - already})`,
            },
          },
        ];
      }
      const refund = {
        id: newId("re"),
        object: "refund",
        amount,
        currency: pi.currency,
        payment_intent: pi.id,
        charge: pi.latest_charge,
        status: refundMode,
        metadata: body.metadata ?? {},
        created: now(),
      };
      refunds.set(refund.id, refund);
      return [200, refund];
    }
    return [
      404,
      { error: { type: "invalid_request_error", message: `Unrecognized request URL (${method}: ${path})` } },
    ];
  }

  const server: Server = createServer(async (req, res) => {
    const raw = await read(req);
    const url = new URL(req.url ?? "/", "http://localhost");
    const key = req.headers["idempotency-key"] as string | undefined;
    const body = decodeForm(req.method === "GET" ? url.search.slice(1) : raw);
    requests.push({ method: req.method!, path: url.pathname, body, idempotencyKey: key });
    for (const h of holds) if (h.path.test(`${req.method} ${url.pathname}`)) await h.released;
    const send = (status: number, payload: unknown, extra: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", "request-id": newId("req"), ...extra });
      res.end(JSON.stringify(payload));
    };
    const failing = outage.left > 0 && (!outage.path || outage.path.test(`${req.method} ${url.pathname}`));
    if (failing) outage.left--;
    const serverError = () =>
      send(
        500,
        { error: { type: "api_error", message: "Something went wrong on Stripe's end." } },
        outage.shouldRetry === undefined ? {} : { "stripe-should-retry": String(outage.shouldRetry) },
      );
    if (failing && !outage.afterProcessing) return serverError();
    const refusal = refusals.find((r) => r.match.test(`${req.method} ${url.pathname} ${raw}`));
    if (refusal) return send(refusal.status, { error: refusal.error });
    const [status, payload] = answer(req.method!, url.pathname, body, raw, key);
    if (failing) return serverError();
    send(status, payload);
  });

  function answer(
    method: string,
    path: string,
    body: StripeObject,
    raw: string,
    key: string | undefined,
  ): [number, unknown] {
    if (key && method === "POST") {
      const seen = idempotent.get(`${path}|${key}`);
      if (seen) {
        if (seen.body !== raw) {
          return [
            400,
            {
              error: {
                type: "idempotency_error",
                message:
                  "Keys for idempotent requests can only be used with the same parameters they were first used with.",
              },
            },
          ];
        }
        return [seen.status, seen.response];
      }
    }
    const [status, payload] = route(method, path, body);
    // Stripe snapshots the response at the time of the first request.
    const snapshot = JSON.parse(JSON.stringify(payload));
    if (key && method === "POST") idempotent.set(`${path}|${key}`, { body: raw, status, response: snapshot });
    return [status, snapshot];
  }
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    intents,
    refunds,
    /**
     * The next `n` requests (only those whose "METHOD /path" matches `opts.path`, when given) answer
     * 500. With `afterProcessing`, each is carried out first and only its answer is lost.
     * `shouldRetry` sends Stripe's Stripe-Should-Retry header, which the SDK obeys (false: no
     * retries, so no back-off wait, when a test only needs the failure and not the SDK's retrying).
     */
    failNextRequests(n: number, opts: { path?: RegExp; afterProcessing?: boolean; shouldRetry?: boolean } = {}) {
      outage = {
        left: n,
        path: opts.path,
        afterProcessing: opts.afterProcessing ?? false,
        shouldRetry: opts.shouldRetry,
      };
    },
    /**
     * Every request whose "METHOD /path rawbody" matches `match` answers `status` with `error` (a
     * Stripe error object) until `clearRefusals()`: one row the processor keeps refusing.
     */
    refuse(match: RegExp, status: number, error: Record<string, unknown>) {
      refusals.push({ match, status, error });
    },
    clearRefusals() {
      refusals.length = 0;
    },
    /** Stripe keeps idempotency keys for 24 hours: this is the day after. */
    forgetIdempotencyKeys() {
      idempotent.clear();
    },
    /** Requests whose "METHOD /path" matches wait (received, not answered) until the returned release is called. */
    hold(path: RegExp): () => void {
      let release!: () => void;
      const hold = { path, released: new Promise<void>((r) => (release = r)) };
      holds.push(hold);
      return () => {
        holds.splice(holds.indexOf(hold), 1);
        release();
      };
    },
    /** New refunds stay `pending` until completeRefund (or succeed at once, the default). */
    setRefundMode(mode: "succeeded" | "pending") {
      refundMode = mode;
    },
    completeRefund(id: string, status: "succeeded" | "failed" = "succeeded") {
      const r = refunds.get(id);
      if (!r) throw new Error(`No refund ${id}`);
      r.status = status;
      return { ...r };
    },
    /** POST requests to `path`, e.g. every confirm of one PaymentIntent. */
    posts(path: string | RegExp) {
      return requests.filter(
        (r) => r.method === "POST" && (typeof path === "string" ? r.path === path : path.test(r.path)),
      );
    },
    /** The PaymentIntents created for a reservation (from their metadata), oldest first. */
    intentsFor(reservationId: string) {
      return [...intents.values()].filter((pi) => pi.metadata?.reservation_id === reservationId);
    },
    refundsFor(paymentIntentId: string) {
      return [...refunds.values()].filter((r) => r.payment_intent === paymentIntentId);
    },
    /** The Charge behind a succeeded PaymentIntent as Stripe sends it in charge.* events. */
    chargeOf(paymentIntentId: string) {
      const pi = intents.get(paymentIntentId);
      if (!pi?.latest_charge) throw new Error(`PaymentIntent ${paymentIntentId} has no charge`);
      const own = [...refunds.values()].filter((r) => r.payment_intent === pi.id && r.status !== "failed");
      const refunded = own.reduce((s, r) => s + r.amount, 0);
      return {
        id: pi.latest_charge as string,
        // As API versions before 2022-11-15 send it; later ones leave it out (refund.* events name the refund).
        refunds: { object: "list", data: own.map((r) => ({ ...r })), has_more: false },
        object: "charge",
        amount: pi.amount as number,
        amount_captured: pi.amount as number,
        amount_refunded: refunded,
        currency: pi.currency as string,
        customer: pi.customer as string | null,
        payment_intent: pi.id as string,
        payment_method: pi.payment_method as string | null,
        paid: true,
        refunded: refunded >= pi.amount,
        status: "succeeded",
        metadata: pi.metadata,
        created: now(),
        livemode: false,
      };
    },
    close: () =>
      new Promise<void>((r) => {
        // The SDK keeps its sockets alive; without this, close() waits out the keep-alive timeout.
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
export type FakeStripe = Awaited<ReturnType<typeof startFakeStripe>>;
