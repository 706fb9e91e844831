import { unknownRouteResponse } from "@/lib/http/unknown-route";

// Any method on a /v1 path no other route matches – 404 not_found in the error body
const handler = async (req: Request) => unknownRouteResponse(req);
export {
  handler as GET,
  handler as POST,
  handler as PUT,
  handler as PATCH,
  handler as DELETE,
  handler as OPTIONS,
  handler as HEAD,
};
