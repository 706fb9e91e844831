#!/usr/bin/env bash
# Regenerates the PNG/ICO icons in public/ from the SVGs (app/icon.svg, public/icons/maskable.svg). The
# outputs are committed; run this after changing a source SVG. Chromium draws the SVGs (ImageMagick's
# own SVG renderer flattens the P's curve and fringes the corners); ImageMagick packs favicon.ico.
# Needs: apt-get install -y chromium imagemagick
set -euo pipefail
cd "$(dirname "$0")/.."
CHROMIUM=${SPOTKEEPER_CHROMIUM:-/usr/bin/chromium}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

render() { # source.svg size output.png
  printf '<html><body style="margin:0"><img src="file://%s" width="%s" height="%s"></body></html>' \
    "$PWD/$1" "$2" "$2" >"$tmp/page.html"
  "$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars --default-background-color=00000000 \
    --window-size="$2,$2" --screenshot="$3" "file://$tmp/page.html" >/dev/null 2>&1
  [ -s "$3" ] || { echo "could not render $3" >&2; exit 1; }
}

render app/icon.svg 192 public/icons/icon-192.png
render app/icon.svg 512 public/icons/icon-512.png
# Maskable: full bleed, the glyph inside the 80 % safe zone, for launchers that crop to their own shape.
render public/icons/maskable.svg 512 public/icons/maskable-512.png
# iOS rounds the corners itself and shows transparency as black: the full-bleed variant.
render public/icons/maskable.svg 180 public/apple-touch-icon.png
for s in 16 32 48; do render app/icon.svg "$s" "$tmp/$s.png"; done
convert "$tmp/16.png" "$tmp/32.png" "$tmp/48.png" public/favicon.ico
