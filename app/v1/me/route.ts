import { json } from "@/lib/http/respond";
import { withAuth } from "@/lib/http/with-auth";

// GET /v1/me – who the token or session belongs to
export const GET = withAuth(async ({ caller: { id, email, name, role } }) => json({ id, email, name, role }));
