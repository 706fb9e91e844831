import { expect, test } from "@playwright/test";

test("the home page lists the three demo lots with their local time zones and currencies", async ({ page }) => {
  await page.goto("/");

  await expect(page.getByRole("heading", { level: 1 })).toContainText("Book the exact spot you need");
  const lots = page
    .getByRole("region", { name: "Parking lots" })
    .getByRole("listitem")
    .filter({ has: page.getByRole("heading") });
  await expect(lots).toHaveCount(3);
  for (const [name, zone, currency] of [
    ["Canal Street Garage", /Central European (Standard|Summer) Time/, "EUR (€)"],
    ["Mission Bay Lot", /Pacific (Standard|Daylight) Time/, "USD ($)"],
    ["Shibuya Mini Park", /Japan Standard Time \(GMT\+9\)/, "JPY (¥)"],
  ] as const) {
    const card = lots.filter({ hasText: name });
    await expect(card.getByRole("link", { name })).toBeVisible();
    await expect(card).toContainText(zone);
    await expect(card).toContainText(currency);
  }
});
