import { expect, test } from "@playwright/test";
import {
  attachScreenshot,
  bookPaid,
  DRIVER,
  expectAccessible,
  expectNoHorizontalOverflow,
  OPERATOR,
  signIn,
} from "./support";

// Every page a driver or an operator opens: fits the viewport (desktop and 390 px phone), has no
// serious or critical axe violation, and leaves a screenshot in the report.
async function check(page: import("@playwright/test").Page, name: string) {
  await expect(page.locator("main")).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: /^Loading/ })).toHaveCount(0);
  await expectNoHorizontalOverflow(page);
  await expectAccessible(page);
  await attachScreenshot(page, test.info(), name);
}

test("public pages fit the screen and pass axe", async ({ page }) => {
  await page.goto("/");
  await check(page, "home");
  await page.goto("/?q=Amsterdam&type=ev&sort=price");
  await expect(page.getByRole("link", { name: "Canal Street Garage" })).toBeVisible();
  await check(page, "search results");
  await page.getByRole("link", { name: "Canal Street Garage" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Canal Street Garage" })).toBeVisible();
  await expect(page.getByRole("region", { name: /Level P1 plan/ })).toBeVisible();
  await check(page, "lot page");
  await page.goto("/sign-in");
  await check(page, "sign in");
});

test("a driver's pages fit the screen and pass axe", async ({ page, request }) => {
  const year = new Date().getFullYear() + 1;
  const day = test.info().project.name === "phone" ? "20" : "19";
  const r = await bookPaid(
    request,
    "Canal Street Garage",
    `${year}-03-${day}T09:00:00Z`,
    `${year}-03-${day}T11:00:00Z`,
    "PAGES 1",
  );
  await signIn(page, DRIVER, "/reservations");
  await page.goto("/reservations");
  await check(page, "my reservations");
  await page.goto(`/reservations/${r.reservation_id}`);
  await expect(page.getByRole("heading", { level: 1, name: "You're booked" })).toBeVisible();
  await expect(page.getByRole("img", { name: `QR gate pass for spot ${r.spot_label}` })).toBeVisible();
  await check(page, "confirmation");
});

test("the operator's pages fit the screen and pass axe", async ({ page }) => {
  test.setTimeout(120_000); // seven pages, each with an axe pass
  await signIn(page, OPERATOR, "/dashboard");
  await page.goto("/dashboard");
  await check(page, "dashboard");
  await page.getByRole("link", { name: "Manage Mission Bay Lot" }).click();
  await expect(page).toHaveURL(/\/dashboard\/lots\/[0-9a-f-]{36}/);
  await expect(page.getByRole("heading", { level: 1, name: "Mission Bay Lot" })).toBeVisible();
  const url = page.url();
  for (const section of ["today", "reservations", "spots", "gates", "money", "settings"]) {
    await page.goto(`${url.split("?")[0]}?section=${section}`);
    await check(page, `dashboard ${section}`);
  }
});
