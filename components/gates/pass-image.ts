/**
 * Draws the pass as a phone would keep it: the QR code on white with a wide quiet zone (scanners want
 * at least four modules of light around the code), then the booking's details as text below it.
 * Runs in the browser, where a canvas is free; the server stays without native image libraries.
 */
export async function composePassImage(qrDataUrl: string, lines: string[]): Promise<string> {
  const qr = new Image();
  qr.src = qrDataUrl;
  await qr.decode();
  const size = 512;
  const quiet = 48;
  const lineHeight = 34;
  const width = size + quiet * 2;
  const height = size + quiet * 2 + lines.length * lineHeight + 24;
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext("2d");
  if (!ctx) throw new Error("no canvas");
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, width, height);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(qr, quiet, quiet, size, size);
  ctx.fillStyle = "#101828";
  ctx.textAlign = "center";
  lines.forEach((line, i) => {
    ctx.font = i === 0 ? "bold 26px system-ui, sans-serif" : "22px system-ui, sans-serif";
    ctx.fillText(line, width / 2, size + quiet * 2 + i * lineHeight + 8, width - 32);
  });
  return canvas.toDataURL("image/png");
}
