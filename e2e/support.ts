import AxeBuilder from "@axe-core/playwright";
import { expect, type APIRequestContext, type Page, type TestInfo } from "@playwright/test";

export const DRIVER = { email: "driver@spotkeeper.demo", password: "spotkeeper-demo", token: "demo-driver-token" };
export const OPERATOR = {
  email: "operator@spotkeeper.demo",
  password: "spotkeeper-demo",
  token: "demo-operator-token",
};

export async function signIn(page: Page, who: { email: string; password: string }, then = "/") {
  await page.goto(`/sign-in?callbackUrl=${encodeURIComponent(then)}`);
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
}

/** Nothing on the page is wider than the viewport: no sideways scrolling of the page itself. */
export async function expectNoHorizontalOverflow(page: Page) {
  const { scroll, viewport } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    viewport: window.innerWidth,
  }));
  expect(scroll, `page is ${scroll}px wide in a ${viewport}px viewport`).toBeLessThanOrEqual(viewport);
}

/** axe-core over the page: no serious or critical WCAG 2 A/AA violation. */
export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const bad = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map(
      (v) =>
        `${v.id}: ${v.help} — ${v.nodes
          .map((n) => n.target.join(" "))
          .slice(0, 3)
          .join(" | ")}`,
    );
  expect(bad).toEqual([]);
}

export async function attachScreenshot(page: Page, info: TestInfo, name: string) {
  await info.attach(`${name} (${info.project.name})`, {
    body: await page.screenshot({ fullPage: true }),
    contentType: "image/png",
  });
}

/** Types the booking window into the lot page's form (kept even if typed before it hydrates: booking-form-hydration.spec.ts). */
export async function fillWindow(page: Page, arrive: string, leave: string) {
  await page.getByLabel("Arrive").fill(arrive);
  await page.getByLabel("Leave").fill(leave);
  await expect(page.getByLabel("Arrive")).toHaveValue(arrive);
  await expect(page.getByLabel("Leave")).toHaveValue(leave);
}

/** A day next year per project and retry, so runs in both projects never book each other's windows. */
export function dayFor(info: TestInfo, offset = 0) {
  const base = info.project.name === "phone" ? 14 : 1;
  return String(base + ((offset + info.retry * 5 + info.repeatEachIndex * 3) % 13)).padStart(2, "0");
}

/** Books and pays through the API, as a phone app would; returns the reservation. */
export async function bookPaid(request: APIRequestContext, lotName: string, start: string, end: string, plate: string) {
  const headers = { authorization: `Bearer ${DRIVER.token}` };
  const lots = (await (await request.get("/v1/lots")).json()) as { data: { id: string; name: string }[] };
  const lot = lots.data.find((l) => l.name === lotName)!;
  const booked = await request.post("/v1/reservations", {
    headers,
    data: { lot_id: lot.id, vehicle_type: "compact", start_time: start, end_time: end, license_plate: plate },
  });
  expect(booked.status()).toBe(201);
  const r = (await booked.json()) as { reservation_id: string; amount: number; spot_label: string };
  const paid = await request.post("/v1/payments", {
    headers,
    data: { reservation_id: r.reservation_id, amount: r.amount, payment_method_id: "pm_card_visa" },
  });
  expect(paid.status()).toBe(201);
  return { ...r, lotId: lot.id };
}
