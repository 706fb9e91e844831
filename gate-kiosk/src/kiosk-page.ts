import type { BridgeConfig } from "./config.js";

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The kiosk screen, served by the bridge itself: after a reboot or a browser crash during an outage
 * the gate PC still shows a working screen, because nothing here comes from the server. Plain HTML
 * and a little script (no build step, no framework): the bridge's own /events and /manual, same origin.
 * The app's /kiosk/{lot}/{gate} page is the richer version of the same screen for when it is reachable.
 */
export function kioskPage(config: Pick<BridgeConfig, "direction" | "gateId">): string {
  const title = config.direction === "entry" ? "Entry" : "Exit";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Spotkeeper gate – ${escape(title)}</title>
<style>
  body{margin:0;font:20px/1.4 system-ui,sans-serif;background:#0b1020;color:#f5f7ff;display:flex;flex-direction:column;min-height:100vh}
  header{display:flex;justify-content:space-between;padding:12px 20px;background:#141b33}
  #band{padding:10px 20px;font-weight:600}
  .online{background:#14532d}.offline{background:#854d0e}.misconfigured,.failed{background:#7f1d1d}
  main{flex:1;display:flex;flex-direction:column;align-items:center;justify-content:center;padding:20px;text-align:center}
  #msg{font-size:2rem;max-width:30ch}#spot{font-size:3rem;font-weight:700}
  .open_barrier{color:#86efac}.deny{color:#fca5a5}.ask_for_qr{color:#fde68a}
  form{display:flex;gap:8px;padding:16px 20px;background:#141b33}
  input{flex:1;font:inherit;padding:10px;border-radius:8px;border:0}button{font:inherit;padding:10px 18px;border-radius:8px;border:0}
</style></head>
<body>
<header><strong>Spotkeeper · ${escape(title)}</strong><span id="clock"></span></header>
<div id="band" role="status" aria-live="polite">Connecting to the gate…</div>
<main aria-live="assertive"><p id="msg">${config.direction === "entry" ? "Welcome. Drive up to the barrier or scan your QR pass." : "Drive up to the barrier or scan your QR pass."}</p><p id="spot"></p></main>
<form id="keypad"><label for="plate" class="sr">Plate</label><input id="plate" autocomplete="off" placeholder="Type your plate" maxlength="20"><button>Check</button></form>
<script>
const band=document.getElementById("band"),msg=document.getElementById("msg"),spot=document.getElementById("spot");
const idle=msg.textContent;let timer;
function show(d){msg.textContent=d.message;msg.className=d.action;spot.textContent=d.action==="open_barrier"&&d.spot_label?d.spot_label:"";clearTimeout(timer);timer=setTimeout(()=>{msg.textContent=idle;msg.className="";spot.textContent=""},8000)}
function status(s){const bad=s.server==="misconfigured"||s.relay==="failed";band.className=bad?"failed":s.server;
band.textContent=s.relay==="failed"?"The barrier is out of order. Please call the attendant.":s.server==="misconfigured"?"This gate is out of service. Please call the attendant.":s.server==="offline"?"Offline mode: QR passes and booked plates still work.":"Online"+(s.payments==="down"?" · payments delayed":"")}
const es=new EventSource("/events");es.addEventListener("status",e=>status(JSON.parse(e.data)));es.addEventListener("decision",e=>show(JSON.parse(e.data)));
es.onerror=()=>{band.className="failed";band.textContent="The gate is restarting. Please wait or call the attendant."};
document.getElementById("keypad").addEventListener("submit",async e=>{e.preventDefault();const i=document.getElementById("plate");const v=i.value.trim();if(!v)return;i.value="";
try{const r=await fetch("/manual",{method:"POST",headers:{"content-type":"application/json"},body:JSON.stringify({identifier:v})});if(!r.ok)show({action:"deny",message:"Please call the attendant."})}catch{show({action:"deny",message:"Please call the attendant."})}});
setInterval(()=>{document.getElementById("clock").textContent=new Date().toLocaleTimeString([], {hour:"2-digit",minute:"2-digit"})},1000);
</script>
<style>.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}</style>
</body></html>
`;
}
