// The page's only script: swaps each tile to its live stream once the page has loaded, polls the cameras'
// figures and the events, and sends the tuning form. No framework, nothing from the internet.
"use strict";

function fill(tile, cam) {
  const state = tile.querySelector(".state");
  state.textContent = cam.state;
  state.className = "state " + cam.state;
  for (const key of ["fps", "detector_runs", "events_today"]) {
    tile.querySelector("." + key).textContent = cam[key];
  }
  tile.querySelector(".pass_ratio").textContent = (100 * cam.pass_ratio).toFixed(1) + " %";
  const form = tile.querySelector("form.tuning");
  for (const key of ["threshold", "min_area", "confidence"]) {
    const input = form.elements[key];
    if (document.activeElement !== input && !form.dataset.editing) {
      input.value = cam[key];
    }
  }
}

// With ui.token set, a session that ended (the token changed, 30 days passed) sends the browser to the login form.
function loggedOut(response) {
  if (response.status === 401) {
    location.href = "/login?next=" + encodeURIComponent(location.pathname + location.search);
    return true;
  }
  return false;
}

async function pollCameras() {
  try {
    const response = await fetch("/api/cameras", { cache: "no-store" });
    if (loggedOut(response)) {
      return;
    }
    const cams = await response.json();
    for (const cam of cams) {
      const tile = document.querySelector('.camera[data-camera="' + cam.id + '"]');
      if (tile) {
        fill(tile, cam);
      }
    }
  } catch (e) {
    // the agent is restarting or gone: try again at the next tick
  }
}

async function pollEvents() {
  try {
    const response = await fetch("/events", { cache: "no-store" });
    if (loggedOut(response)) {
      return;
    }
    const events = await response.json();
    const body = document.querySelector("#events tbody");
    body.replaceChildren(...events.slice(0, 50).map(e => {
      const row = document.createElement("tr");
      const img = '<a href="' + e.snapshot + '"><img src="' + e.thumbnail + '" alt="best frame"></a>'
        + (e.clip ? ' <a href="' + e.clip + '">clip</a>' : "");
      row.innerHTML = "<td>" + img + "</td><td></td><td></td><td></td><td></td><td></td><td></td>";
      const cells = row.querySelectorAll("td");
      cells[1].textContent = e.camera;
      cells[2].textContent = e.label + " #" + e.track_id + (e.ended ? "" : " (now)");
      cells[3].textContent = new Date(e.start).toLocaleTimeString();
      cells[4].textContent = e.duration_s.toFixed(1) + " s";
      cells[5].textContent = e.score.toFixed(2);
      cells[6].textContent = e.zones.join(", ");
      return row;
    }));
  } catch (e) {
    // try again at the next tick
  }
}

function setUp(tile) {
  const form = tile.querySelector("form.tuning");
  const message = form.querySelector("output");
  form.addEventListener("input", () => { form.dataset.editing = "1"; });
  form.addEventListener("submit", async event => {
    event.preventDefault();
    const body = {};
    for (const key of ["threshold", "min_area", "confidence"]) {
      if (form.elements[key].value !== "") {
        body[key] = Number(form.elements[key].value);
      }
    }
    const response = await fetch("/cameras/" + tile.dataset.camera + "/tuning", {
      method: "PUT", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body)
    });
    if (loggedOut(response)) {
      return;
    }
    message.textContent = await response.text();
    message.className = response.ok ? "" : "error";
    if (response.ok) {
      delete form.dataset.editing;
    }
  });
  const motion = tile.querySelector("img.motion");
  tile.querySelector(".debug-toggle").addEventListener("change", event => {
    motion.hidden = !event.target.checked;
    // an image without src closes its stream, so the agent stops encoding the debug view
    if (event.target.checked) {
      motion.src = motion.dataset.stream;
    } else {
      motion.removeAttribute("src");
    }
  });
}

document.querySelectorAll(".camera").forEach(setUp);
// ?debug opens every camera's motion debug view at once (for a screenshot, or a page kept open on a wall)
if (new URLSearchParams(location.search).has("debug")) {
  document.querySelectorAll(".debug-toggle").forEach(box => {
    box.checked = true;
    box.dispatchEvent(new Event("change"));
  });
}
pollCameras();
pollEvents();
setInterval(pollCameras, 1000);
setInterval(pollEvents, 3000);
// The tiles start with a still (latest.jpg), so the page finishes loading; then each becomes a live stream.
window.addEventListener("load", () => {
  document.querySelectorAll("img.live").forEach(img => { img.src = img.dataset.stream; });
});
