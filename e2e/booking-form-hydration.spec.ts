import { expect, test } from "@playwright/test";

/**
 * A driver on a slow phone types the window while the page's JavaScript is still loading. React
 * replays those edits as change events once it hydrates; the form must keep both (CI once saw Arrive
 * put back to "now" while Leave kept its new value, two months later: "at most 30 days").
 */
test("times typed before the lot page hydrates are kept", async ({ page }) => {
  await page.goto("/");
  const href = await page.getByRole("link", { name: "Shibuya Mini Park" }).getAttribute("href");

  // Hold every script (not the styles: React reveals streamed content once they load) until both
  // inputs have been typed into the server-rendered form.
  let release!: () => void;
  const loaded = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/_next/static/chunks/*.js", async (route) => {
    await loaded;
    await route.continue();
  });
  await page.goto(href!, { waitUntil: "commit" });

  const year = new Date().getFullYear() + 1;
  const arrive = `${year}-03-07T09:00`;
  const leave = `${year}-03-07T13:00`;
  await page.getByLabel("Arrive").fill(arrive);
  await page.getByLabel("Leave").fill(leave);
  release();

  // Once hydrated, the form asks the server for that window (the URL carries it) and shows its price.
  await expect(page).toHaveURL(new RegExp(`start=${encodeURIComponent(arrive)}&end=${encodeURIComponent(leave)}`));
  await expect(page.getByLabel("Arrive")).toHaveValue(arrive);
  await expect(page.getByLabel("Leave")).toHaveValue(leave);
  await expect(page.getByText("updating availability")).toHaveCount(0);
  await expect(page.getByTestId("availability-compact")).toHaveText(/of 2 free/);
});
