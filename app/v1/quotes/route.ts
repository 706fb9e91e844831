import { QuoteOut, QuoteQuery } from "@/lib/api/schemas";
import { defineRoute } from "@/lib/http/define-route";
import { quoteStay } from "@/lib/lots/quote-stay";
import { otherMethods } from "@/lib/http/unknown-route";

export const GET = defineRoute({
  method: "GET",
  path: "/v1/quotes",
  operationId: "getQuote",
  tag: "Lots",
  summary: "The price of a stay: total and line items per band, day and adjustment",
  auth: "public",
  query: QuoteQuery,
  response: { description: "The quote", schema: QuoteOut },
  errors: ["not_found"],
  handler: ({ db, query }) => quoteStay(db, query),
});

export const { POST, PUT, PATCH, DELETE } = otherMethods();
