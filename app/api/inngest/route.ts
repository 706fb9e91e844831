import { serve } from "inngest/next";
import { inngest } from "@/inngest/client";
import { functions } from "@/inngest";

// GET/PUT/POST /api/inngest – Inngest (Cloud or the dev server) registers and runs the workflows here
export const { GET, POST, PUT } = serve({ client: inngest, functions });
