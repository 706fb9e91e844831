import { expect, test } from "@playwright/test";
import { attachScreenshot, expectAccessible, expectNoHorizontalOverflow, OPERATOR, signIn } from "./support";

// An owner reads what the team did through the dashboard on /organisation, on a phone.
test.use({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });

test("a settings edit on the dashboard is in the owner's audit log with what changed", async ({ page }) => {
  await signIn(page, OPERATOR, "/dashboard");
  await page.goto("/dashboard");
  await page.getByRole("link", { name: "Manage Mission Bay Lot" }).click();
  await page.getByRole("link", { name: "Settings & prices" }).click();
  const grace = page.getByLabel("Grace period (minutes after the start)");
  const was = await grace.inputValue();
  const now = was === "25" ? "35" : "25";
  await grace.fill(now);
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Saved Mission Bay Lot.")).toBeVisible();

  await page.goto("/organisation");
  const log = page.getByRole("list", { name: /^Audit log of / });
  const entry = log.getByRole("listitem").filter({ hasText: "lot.settings_updated" }).first();
  await expect(entry).toContainText("Omar Operator");
  await expect(entry).toContainText(`graceMinutes: ${was} → ${now}`);
  await expectNoHorizontalOverflow(page);
  await expectAccessible(page);
  await attachScreenshot(page, test.info(), "audit log");
});
