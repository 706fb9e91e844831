import { Inngest } from "inngest";

// One client for the app. With INNGEST_EVENT_KEY (Inngest Cloud) or INNGEST_DEV (the dev server)
// set, Inngest runs the workflows; without either, the in-process scheduler drives the same
// transitions (the workflows issue adds both).
export const inngest = new Inngest({ id: "spotkeeper" });
