import { expect, test } from "@playwright/test";
import { apiClient } from "./support/api";

const DRIVER = { email: "driver@spotkeeper.demo", password: "spotkeeper-demo", token: "demo-driver-token" };

test("a driver sees the QR gate pass of a paid reservation under My reservations and downloads it", async ({
  page,
  baseURL,
}) => {
  // Booked and paid through the API, as a phone app would; a day of its own next February.
  const year = new Date().getFullYear() + 1;
  const day = String(1 + (test.info().repeatEachIndex % 28)).padStart(2, "0");
  const api = apiClient(baseURL, DRIVER.token);
  const lots = (await api.GET("/v1/lots")).data!;
  const lot = lots.data.find((l) => l.name === "Canal Street Garage")!;
  const booked = await api.POST("/v1/reservations", {
    body: {
      lot_id: lot.id,
      vehicle_type: "compact",
      start_time: `${year}-02-${day}T09:00:00Z`,
      end_time: `${year}-02-${day}T11:00:00Z`,
      license_plate: "QR 42 E2E",
    },
  });
  expect(booked.response.status, JSON.stringify(booked.error)).toBe(201);
  const r = booked.data!;
  const paid = await api.POST("/v1/payments", {
    body: { reservation_id: r.reservation_id, amount: r.amount, payment_method_id: "pm_card_visa" },
  });
  expect(paid.response.status, JSON.stringify(paid.error)).toBe(201);

  await page.goto("/sign-in?callbackUrl=%2Freservations");
  await page.getByLabel("Email").fill(DRIVER.email);
  await page.getByLabel("Password").fill(DRIVER.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/reservations/);

  const booking = page.getByTestId("reservation").filter({ hasText: "QR42E2E" });
  await expect(booking).toHaveCount(1);
  await booking.getByText("Gate pass (QR code)").click();
  const qr = booking.getByRole("img", { name: `QR gate pass for spot ${r.spot_label}` });
  await expect(qr).toBeVisible();
  expect(await qr.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(100);
  await expect(booking).toContainText("It opens the entry from");

  const download = page.waitForEvent("download");
  await booking.getByRole("link", { name: "Download" }).click();
  expect((await download).suggestedFilename()).toBe(`spotkeeper-pass-${r.spot_label}.png`);
});
