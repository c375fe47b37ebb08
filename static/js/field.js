/* The field app: harvests are kept in an IndexedDB outbox on the tablet and
   sent when the network is there (on load, on the "online" event and every
   30 s). Each entry gets its UUID once, when it is recorded; the server makes
   one lot per UUID however often it arrives. Nothing is dropped: a refused
   entry stays here with its reason until it is fixed or discarded. */
(function () {
  "use strict";

  const data = JSON.parse(document.getElementById("field-data").textContent);
  const T = data.text;
  const TOKEN_KEY = "oilchain-field-token";
  const SYNC_EVERY_MS = 30000;
  const form = document.getElementById("harvest-form");
  const list = document.getElementById("entry-list");
  const net = document.getElementById("net");
  const device = document.getElementById("device");
  let editing = null; // the UUID of a refused entry being fixed
  let syncing = false;

  // --- the county's calendar day, whatever the tablet's time zone ------------
  function countyDay(moment) {
    try {
      return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(moment);
    } catch (e) {
      return moment.toISOString().slice(0, 10);
    }
  }
  const countyToday = () => countyDay(new Date());

  function newUuid() {
    if (self.crypto && crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  // --- the outbox (IndexedDB) --------------------------------------------------
  function openDb() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open("oilchain-field", 1);
      request.onupgradeneeded = () => request.result.createObjectStore("entries", { keyPath: "uuid" });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async function store(mode, work) {
    const db = await openDb();
    return new Promise((resolve, reject) => {
      const tx = db.transaction("entries", mode);
      const result = work(tx.objectStore("entries"));
      tx.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
      tx.onerror = () => reject(tx.error);
    });
  }

  const allEntries = () => store("readonly", (s) => s.getAll());
  const putEntry = (entry) => store("readwrite", (s) => s.put(entry));
  const deleteEntry = (uuid) => store("readwrite", (s) => s.delete(uuid));

  // --- recording -----------------------------------------------------------------
  function showError(name, message) {
    const p = document.getElementById(`${name}-error`);
    p.textContent = message || "";
    p.hidden = !message;
    const input = form.elements[name];
    if (input && input.setAttribute) input.setAttribute("aria-invalid", message ? "true" : "false");
  }

  function readForm() {
    const plot = form.querySelector("input[name=plot_id]:checked");
    const weight = form.elements.weight.value.trim().replace(",", ".");
    const pickers = form.elements.pickers.value.trim();
    const day = form.elements.harvested_on.value;
    const errors = {};
    if (!plot) errors.plot_id = T.choosePlot;
    if (!/^[0-9]+(\.[0-9]{1,3})?$/.test(weight) || Number(weight) <= 0) errors.weight = T.weight;
    if (!/^[0-9]+$/.test(pickers) || Number(pickers) < 1) errors.pickers = T.pickers;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) errors.harvested_on = T.date;
    else if (day > countyToday()) errors.harvested_on = T.future;
    ["plot_id", "weight", "pickers", "harvested_on"].forEach((name) => showError(name, errors[name]));
    if (Object.keys(errors).length) return null;
    return {
      plot_id: Number(plot.value),
      plot_name: plot.dataset.name,
      weight: weight,
      pickers: Number(pickers),
      harvested_on: day,
    };
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const values = readForm();
    if (!values) return;
    const entries = await allEntries();
    const previous = editing && entries.find((e) => e.uuid === editing);
    // A fixed entry keeps its UUID: no lot was made for it.
    const entry = Object.assign(previous || { uuid: newUuid(), recorded_at: new Date().toISOString() }, values, {
      state: "pending",
      reason: null,
      field: null,
    });
    await putEntry(entry);
    editing = null;
    form.reset();
    form.elements.harvested_on.value = countyToday();
    await render();
    sync();
  });

  document.getElementById("plot-search").addEventListener("input", (event) => {
    const words = event.target.value.trim().toLowerCase();
    document.querySelectorAll(".plot-option").forEach((option) => {
      option.hidden = words && !option.dataset.search.toLowerCase().includes(words);
    });
  });

  // --- the list of today's entries ------------------------------------------------
  function stateText(entry) {
    if (entry.state === "sent") return `${T.sent} · ${entry.lot_code}`;
    if (entry.state === "refused") return `${T.refused}: ${entry.reason || ""}`;
    return syncing ? T.sending : T.pending;
  }

  async function render() {
    const today = countyToday();
    // Today's entries, and every one not yet recorded, whatever its day.
    const entries = (await allEntries())
      .filter((e) => e.state !== "sent" || e.harvested_on === today || countyDay(new Date(e.recorded_at)) === today)
      .sort((a, b) => (b.recorded_at || "").localeCompare(a.recorded_at || ""));
    list.replaceChildren();
    if (!entries.length) {
      const li = document.createElement("li");
      li.className = "empty";
      li.textContent = T.none;
      list.append(li);
    }
    for (const entry of entries) {
      const li = document.createElement("li");
      li.className = `entry ${entry.state}`;
      li.dataset.uuid = entry.uuid;
      const what = document.createElement("div");
      what.className = "what";
      what.textContent = `${entry.plot_name} · ${entry.weight} ${T.kg} · ${entry.pickers} ${T.pickersShort} · ${entry.harvested_on}`;
      const state = document.createElement("div");
      state.className = "state";
      state.textContent = stateText(entry);
      li.append(what, state);
      const actions = document.createElement("div");
      actions.className = "actions";
      if (entry.state === "sent") {
        actions.append(button(T.qr, () => showQr(entry.lot_code)));
      } else if (entry.state === "refused") {
        actions.append(button(T.fix, () => fix(entry)), button(T.discard, () => discard(entry), "danger"));
      }
      li.append(actions);
      list.append(li);
    }
  }

  function button(text, action, kind) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = text;
    if (kind) b.className = kind;
    b.addEventListener("click", action);
    return b;
  }

  function fix(entry) {
    editing = entry.uuid;
    const plot = form.querySelector(`input[name=plot_id][value="${entry.plot_id}"]`);
    if (plot) plot.checked = true;
    form.elements.weight.value = entry.weight;
    form.elements.pickers.value = entry.pickers;
    form.elements.harvested_on.value = entry.harvested_on;
    showError(entry.field && form.elements[entry.field] ? entry.field : "weight", T.editing);
    form.scrollIntoView({ behavior: "smooth" });
  }

  async function discard(entry) {
    if (!confirm(T.discardConfirm)) return;
    await deleteEntry(entry.uuid);
    render();
  }

  // --- the lot's QR, full screen, for the processor to scan ----------------------
  const overlay = document.getElementById("qr-overlay");
  function showQr(code) {
    // The payload is the lot's URI in capitals (lotBase: codes.lot_qr_payload),
    // so it fits QR alphanumeric mode: a smaller symbol than byte mode's.
    const payload = data.lotBase + code;
    const qr = qrcode(0, "M");
    qr.addData(payload, /^[0-9A-Z $%*+\-./:]*$/.test(payload) ? "Alphanumeric" : "Byte");
    qr.make();
    document.getElementById("qr-image").innerHTML = qr.createSvgTag({ cellSize: 8, margin: 4, scalable: true });
    document.getElementById("qr-code").textContent = code;
    document.getElementById("qr-label").href = data.labelUrl.replace("CODE", code);
    overlay.hidden = false;
  }
  document.getElementById("qr-close").addEventListener("click", () => (overlay.hidden = true));

  // --- signing the tablet in, and sending ------------------------------------------
  function token() {
    try {
      return JSON.parse(localStorage.getItem(TOKEN_KEY) || "null");
    } catch (e) {
      return null;
    }
  }

  /* The server words the sign-in's name and expiry (tablets.device_facts:
     the county's time zone, the format of the tablets list, the page's
     language); a token kept before it did so shows its county date. */
  function showDevice() {
    const t = token();
    if (!t) {
      device.textContent = T.signIn;
      return;
    }
    const day = t.expires_label || countyDay(new Date(t.expires_at));
    device.textContent = T.signedIn.replace("%(name)s", t.name || "—").replace("%(day)s", day);
  }

  function keepDevice(facts) {
    const t = token();
    if (!t || !facts) return;
    localStorage.setItem(TOKEN_KEY, JSON.stringify(Object.assign(t, {
      name: facts.name, expires_at: facts.expires_at, expires_label: facts.expires_label,
    })));
    showDevice();
  }

  /* Online, the tablet asks the server how its sign-in stands (renamed in
     the list, revoked, or worded in another language since). */
  async function refreshDevice() {
    const t = token();
    if (!t || !navigator.onLine) return;
    try {
      const response = await fetch(data.deviceUrl, { headers: { Authorization: `Bearer ${t.token}` }, credentials: "same-origin" });
      if (response.status === 401) {
        localStorage.removeItem(TOKEN_KEY);
        offerSignIn();
        return;
      }
      if (response.ok) keepDevice((await response.json()).device);
    } catch (e) {
      /* no network after all */
    }
  }

  // A tablet is signed in with the member's password, typed here; the page
  // never asks the server for a token on its own (a lost tablet's session
  // alone must not get a new one after the cooperative revoked it).
  const signInForm = document.getElementById("tablet-signin");
  const password = document.getElementById("tablet-password");
  const passwordError = document.getElementById("tablet-password-error");
  const tabletName = document.getElementById("tablet-label");
  const nameError = document.getElementById("tablet-label-error");

  function signInError(field, message) {
    const shown = field === "label" ? nameError : passwordError;
    shown.textContent = message;
    shown.hidden = false;
    (field === "label" ? tabletName : password).setAttribute("aria-invalid", "true");
  }

  function needsSignIn() {
    const t = token();
    const weekAhead = new Date(Date.now() + 7 * 86400000).toISOString();
    return !t || t.expires_at <= weekAhead;
  }

  function offerSignIn() {
    signInForm.hidden = !(needsSignIn() && navigator.onLine);
    showDevice();
  }

  signInForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    [passwordError, nameError].forEach((p) => (p.hidden = true));
    [password, tabletName].forEach((input) => input.setAttribute("aria-invalid", "false"));
    /* The default name (the member and the day) as the page was made: a page
       from the cache may be days old, so an untouched default goes blank and
       the server names the tablet with today's date. */
    const name = tabletName.value.trim() === tabletName.defaultValue.trim() ? "" : tabletName.value;
    try {
      const body = new URLSearchParams({ csrf_token: data.csrf, password: password.value, label: name });
      const response = await fetch(data.deviceUrl, { method: "POST", body, credentials: "same-origin", redirect: "error" });
      const answer = await response.json();
      if (response.ok) {
        localStorage.setItem(TOKEN_KEY, JSON.stringify({ token: answer.token, expires_at: answer.expires_at }));
        keepDevice(answer.device);
        password.value = "";
        offerSignIn();
        sync();
        return;
      }
      signInError(answer.field, answer.error || T.signInFailed);
    } catch (e) {
      signInError("password", T.signInFailed); /* offline, or the session has ended: sign in on the site again */
    }
  });

  async function sync() {
    if (syncing || !navigator.onLine) return;
    const pending = (await allEntries()).filter((e) => e.state === "pending");
    if (!pending.length) return;
    const t = token();
    if (!t) {
      offerSignIn();
      return;
    }
    syncing = true;
    render();
    try {
      /* in batches the server takes; a batch it fails on goes again one entry at
         a time, so one entry it cannot take never holds back the others */
      const size = data.syncBatch || 50; /* a page cached before the setting came */
      for (let start = 0; start < pending.length; start += size) {
        const batch = pending.slice(start, start + size);
        const answer = await send(batch, t);
        if (answer === "signed-out" || answer === "unavailable") return;
        if (answer && answer.results) {
          await record(batch, answer);
        } else if (batch.length > 1) {
          let failing = 0;
          for (const entry of batch) {
            const alone = await send([entry], t);
            if (alone === "signed-out" || alone === "unavailable") return;
            /* one entry the server fails on stays pending and the next goes on; three
               in a row: the server is down, not the entries, so all wait for next time */
            if (!alone) {
              if (++failing >= 3) return;
              continue;
            }
            failing = 0;
            await record([entry], alone);
          }
        } else {
          await record(batch, answer);
        }
      }
    } catch (e) {
      /* no network after all: the entries stay pending */
    } finally {
      syncing = false;
      render();
    }
  }

  /* One request; the server's answer, "signed-out", "too-large",
     "unavailable" (a proxy's 502-504, 429: try again later), or null when it
     failed otherwise (the entries stay pending and go again next time). */
  async function send(batch, t) {
    const response = await fetch(data.syncUrl, {
      method: "POST",
      headers: { Authorization: `Bearer ${t.token}`, "Content-Type": "application/json" },
      body: JSON.stringify({
        entries: batch.map((e) => ({
          uuid: e.uuid,
          plot_id: e.plot_id,
          weight: e.weight,
          pickers: e.pickers,
          harvested_on: e.harvested_on,
          recorded_at: e.recorded_at,
        })),
      }),
    });
    if (response.status === 401) {
      localStorage.removeItem(TOKEN_KEY);
      offerSignIn();
      return "signed-out";
    }
    if (response.status === 413) return "too-large";
    /* the server or its proxy is down or busy: stop, everything stays pending */
    if ([429, 502, 503, 504].includes(response.status)) return "unavailable";
    return response.ok ? response.json() : null;
  }

  /* What became of a batch's entries: the server's answer per entry; a lone
     entry too large to send is refused here (it could never be sent); after
     any other failure the entries stay pending. */
  async function record(batch, answer) {
    if (answer === "too-large" && batch.length === 1) {
      Object.assign(batch[0], { state: "refused", reason: T.tooLarge, field: null });
      await putEntry(batch[0]);
      return;
    }
    if (!answer || !answer.results) return;
    keepDevice(answer.device);
    for (const result of answer.results) {
      const entry = batch.find((e) => e.uuid === result.uuid);
      if (!entry) continue;
      if (result.status === "created" || result.status === "duplicate") {
        Object.assign(entry, { state: "sent", lot_code: result.lot_code, sent_at: answer.received_at });
      } else {
        Object.assign(entry, { state: "refused", reason: result.reason, field: result.field });
      }
      await putEntry(entry);
    }
  }

  function showNetwork() {
    net.textContent = navigator.onLine ? T.online : T.offline;
    net.className = `net ${navigator.onLine ? "on" : "off"}`;
  }

  window.addEventListener("online", () => {
    showNetwork();
    offerSignIn();
    refreshDevice();
    sync();
  });
  window.addEventListener("offline", showNetwork);
  setInterval(sync, SYNC_EVERY_MS);

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(data.workerUrl, { scope: data.scope }).catch(() => {});
  }
  form.elements.harvested_on.value = form.elements.harvested_on.value || countyToday();
  showNetwork();
  showDevice();
  offerSignIn();
  refreshDevice();
  render().then(sync);
  window.oilchainField = { sync, render, allEntries }; // for tests and the curious
})();
