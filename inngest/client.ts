import "server-only";
import { Inngest } from "inngest";

// One client for the app. With INNGEST_EVENT_KEY (Inngest Cloud) or INNGEST_DEV (the dev server)
// set, Inngest runs the workflows (inngest/functions/, served at app/api/inngest); without either,
// lib/workflows/in-process-scheduler.ts drives the same transitions. Events: inngest/events.ts.
export const inngest = new Inngest({ id: "spotkeeper" });
