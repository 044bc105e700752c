/* SIBANTU progressive enhancement. Every page works without this file.
   1. Focus the error summary (or the first invalid field) after a failed submit.
   2. Native confirm() for buttons and links with data-confirm.
   3. Character counters for textareas with maxlength.
   4. Chosen file name and size for <input type=file>, with a warning above data-max-bytes
      (the server checks again). Messages follow <html lang>: Indonesian, or English.
   (Further sections below: location for photo_geo, select-all in the queue, sending/uploads.) */
(function () {
  "use strict";

  var lang = (document.documentElement.lang || "id").slice(0, 2);
  var MESSAGES = {
    id: {
      left: "Sisa {n} karakter", over: "Kelebihan {n} karakter",
      file: "{name} ({size})", tooBig: "Berkas terlalu besar ({size}). Batas ukuran {max}."
    },
    en: {
      left: "{n} characters remaining", over: "{n} characters too many",
      file: "{name} ({size})", tooBig: "File too large ({size}). The limit is {max}."
    }
  };
  var TEXT = MESSAGES[lang] || MESSAGES.id;

  function fmt(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }

  function formatBytes(bytes) {
    var sep = lang === "id" ? "," : ".";
    if (bytes < 1024) { return bytes + " B"; }
    if (bytes < 1048576) { return String(Math.round(bytes / 1024)) + " KB"; }
    return (bytes / 1048576).toFixed(1).replace(".", sep) + " MB";
  }

  function after(el, node) { el.parentNode.insertBefore(node, el.nextSibling); }

  function note(className, id) {
    var p = document.createElement("p");
    p.className = className;
    p.id = id;
    p.setAttribute("aria-live", "polite");
    return p;
  }

  function addDescribedBy(el, id) {
    var ids = (el.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    if (ids.indexOf(id) === -1) { ids.push(id); }
    el.setAttribute("aria-describedby", ids.join(" "));
  }

  /* 1. Error focus */
  function focusErrors() {
    var target = document.querySelector("[data-error-summary]") ||
      document.querySelector("[aria-invalid=true]");
    if (target) { target.focus(); }
  }

  /* 2. Confirm dialogs: a click on [data-confirm] asks first. */
  function onClick(event) {
    var el = event.target.closest ? event.target.closest("[data-confirm]") : null;
    if (el && !window.confirm(el.getAttribute("data-confirm"))) { event.preventDefault(); }
  }

  /* 3. Character counters: the visible count updates at once, the spoken one after a pause. */
  function setupCounter(textarea) {
    var max = parseInt(textarea.getAttribute("maxlength"), 10);
    if (!max) { return; }
    var out = note("char-count", textarea.id + "-count");
    var live = note("visually-hidden", textarea.id + "-count-live");
    var timer;
    out.removeAttribute("aria-live");
    after(textarea, out);
    after(out, live);
    addDescribedBy(textarea, out.id);
    function message() {
      var left = max - textarea.value.length;
      out.classList.toggle("char-count--over", left < 0);
      return left >= 0 ? fmt(TEXT.left, { n: left }) : fmt(TEXT.over, { n: -left });
    }
    textarea.addEventListener("input", function () {
      out.textContent = message();
      clearTimeout(timer);
      timer = setTimeout(function () { live.textContent = out.textContent; }, 1000);
    });
    out.textContent = message();
  }

  /* 4. File inputs */
  function setupFile(input) {
    var out = note("file-info", input.id + "-info");
    var max = parseInt(input.getAttribute("data-max-bytes"), 10) || 0;
    after(input, out);
    addDescribedBy(input, out.id);
    input.addEventListener("change", function () {
      var files = Array.prototype.slice.call(input.files || []);
      var tooBig = files.filter(function (f) { return max && f.size > max; });
      out.textContent = files.map(function (f) {
        return fmt(TEXT.file, { name: f.name, size: formatBytes(f.size) });
      }).join(", ");
      if (tooBig.length) {
        out.textContent = fmt(TEXT.tooBig, { size: formatBytes(tooBig[0].size), max: formatBytes(max) }) +
          " " + out.textContent;
      }
      out.classList.toggle("file-info--error", tooBig.length > 0);
    });
  }

  function init() {
    focusErrors();
    document.addEventListener("click", onClick);
    Array.prototype.forEach.call(document.querySelectorAll("textarea[maxlength]"), setupCounter);
    Array.prototype.forEach.call(document.querySelectorAll("input[type=file]"), setupFile);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());

/* Staff workspace: "use my location" for photo_geo fields (fieldset[data-geo-group] holding
   inputs [data-geo=lat] and [data-geo=lon]). Without JS or permission, the inputs are typed. */
(function () {
  "use strict";
  var id = (document.documentElement.lang || "id").slice(0, 2) !== "en";
  var TEXT = id ? {
    button: "Gunakan lokasi perangkat ini", wait: "Mengambil lokasi…",
    done: "Lokasi terisi (akurasi ± {m} m).", fail: "Lokasi tidak dapat diambil; isi koordinat secara manual."
  } : {
    button: "Use this device's location", wait: "Getting the location…",
    done: "Location filled in (accuracy ± {m} m).", fail: "Could not get the location; type the coordinates."
  };

  function setup(group) {
    var lat = group.querySelector("[data-geo=lat]");
    var lon = group.querySelector("[data-geo=lon]");
    if (!lat || !lon || !navigator.geolocation) { return; }
    var button = document.createElement("button");
    var status = document.createElement("p");
    button.type = "button";
    button.className = "button button--secondary geo-button";
    button.textContent = TEXT.button;
    status.className = "geo-status";
    status.setAttribute("aria-live", "polite");
    group.appendChild(button);
    group.appendChild(status);
    button.addEventListener("click", function () {
      status.textContent = TEXT.wait;
      navigator.geolocation.getCurrentPosition(function (pos) {
        lat.value = pos.coords.latitude.toFixed(6);
        lon.value = pos.coords.longitude.toFixed(6);
        status.textContent = TEXT.done.replace("{m}", Math.round(pos.coords.accuracy));
      }, function () {
        status.textContent = TEXT.fail;
      }, { enableHighAccuracy: true, timeout: 15000 });
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-geo-group]"), setup);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());

/* Staff queue: a "select all on this page" button above tables with data-select-all="<name>". */
(function () {
  "use strict";
  var en = (document.documentElement.lang || "id").slice(0, 2) === "en";
  var LABEL = en ? ["Select all on this page", "Clear selection"] :
    ["Pilih semua di halaman ini", "Batalkan pilihan"];

  function setup(table) {
    var name = table.getAttribute("data-select-all");
    var boxes = table.querySelectorAll("input[type=checkbox][name='" + name + "']");
    if (!boxes.length) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button--secondary button--small";
    button.textContent = LABEL[0];
    button.addEventListener("click", function () {
      var all = Array.prototype.every.call(boxes, function (b) { return b.checked; });
      Array.prototype.forEach.call(boxes, function (b) { b.checked = !all; });
      button.textContent = LABEL[all ? 0 : 1];
    });
    var wrap = table.closest(".table-wrap") || table;
    wrap.parentNode.insertBefore(button, wrap);
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-select-all]"), setup);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());

/* Declared application forms: a field wrapped in data-shown-when="<field name>" with
   data-shown-values='["ya"]' is shown only while that answer is one of the values (the server
   ignores the answer of a hidden field). Without this file every field stays visible. */
(function () {
  "use strict";

  function current(form, name) {
    var inputs = form.querySelectorAll("[name='" + name + "']");
    for (var i = 0; i < inputs.length; i += 1) {
      var input = inputs[i];
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked) { return input.value; }
      } else {
        return input.value;
      }
    }
    return "";
  }

  function setup(form) {
    var wrappers = form.querySelectorAll("[data-shown-when]");
    if (!wrappers.length) { return; }
    function update() {
      Array.prototype.forEach.call(wrappers, function (el) {
        var values = JSON.parse(el.getAttribute("data-shown-values") || "[]");
        var shown = values.indexOf(current(form, el.getAttribute("data-shown-when"))) !== -1;
        el.hidden = !shown;
      });
    }
    form.addEventListener("change", update);
    update();
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-declared-form]"), setup);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());

/* Sending: a submitted POST form disables its buttons (a second tap cannot send it again; the
   server also lands a repeat on the first one's result) and says it is sending. A form with
   chosen files is sent with XMLHttpRequest so a <progress> bar shows the upload; the answer
   page then replaces this one, as a normal submit would. Without JS forms post as usual. */
(function () {
  "use strict";
  var en = (document.documentElement.lang || "id").slice(0, 2) === "en";
  var TEXT = en ? { sending: "Sending…", uploading: "Uploading… {p}%", failed: "Upload failed; check the connection and try again." }
    : { sending: "Mengirim…", uploading: "Mengunggah… {p}%", failed: "Unggahan gagal; periksa koneksi lalu coba lagi." };

  function buttons(form) {
    return Array.prototype.slice.call(form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]"));
  }

  function keepSubmitter(form, submitter) {
    if (!submitter || !submitter.name) { return; }
    var hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = submitter.name;
    hidden.value = submitter.value;
    hidden.setAttribute("data-submitter", "");
    form.appendChild(hidden);
  }

  function busy(form, on) {
    buttons(form).forEach(function (b) {
      if (on) {
        b.setAttribute("data-label", b.textContent);
        b.textContent = TEXT.sending;
      } else if (b.hasAttribute("data-label")) {
        b.textContent = b.getAttribute("data-label");
      }
      b.disabled = on;
      if (on) { b.setAttribute("aria-busy", "true"); } else { b.removeAttribute("aria-busy"); }
    });
    if (!on) {
      Array.prototype.forEach.call(form.querySelectorAll("[data-submitter]"), function (h) { h.remove(); });
    }
  }

  function hasFiles(form) {
    return Array.prototype.some.call(form.querySelectorAll("input[type=file]"), function (i) {
      return i.files && i.files.length > 0;
    });
  }

  function upload(form) {
    var bar = document.createElement("progress");
    var status = document.createElement("p");
    bar.className = "upload-progress";
    bar.max = 100;
    bar.value = 0;
    status.setAttribute("aria-live", "polite");
    status.className = "upload-status";
    form.appendChild(bar);
    form.appendChild(status);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable) { return; }
      var p = Math.round(e.loaded * 100 / e.total);
      bar.value = p;
      status.textContent = TEXT.uploading.replace("{p}", p);
    });
    xhr.addEventListener("load", function () {
      if (window.history && xhr.responseURL) { window.history.replaceState(null, "", xhr.responseURL); }
      document.open();
      document.write(xhr.responseText);
      document.close();
    });
    xhr.addEventListener("error", function () {
      status.textContent = TEXT.failed;
      bar.remove();
      busy(form, false);
    });
    xhr.send(new FormData(form));
  }

  function onSubmit(event) {
    var form = event.target;
    if (event.defaultPrevented || (form.method || "").toLowerCase() !== "post") { return; }
    if (form.hasAttribute("data-download")) { return; } /* answers with a file: page stays */
    if (form.hasAttribute("data-sending")) { event.preventDefault(); return; }
    form.setAttribute("data-sending", "");
    keepSubmitter(form, event.submitter);
    if (hasFiles(form) && window.FormData && window.XMLHttpRequest) {
      event.preventDefault();
      busy(form, true);
      upload(form);
      return;
    }
    /* disable after this tick, so the browser still sends the form it is submitting; if the
       page is still here long after, let the person try again (the server handles a repeat) */
    setTimeout(function () { busy(form, true); }, 0);
    setTimeout(function () { form.removeAttribute("data-sending"); busy(form, false); }, 20000);
  }

  /* Back from the next page (bfcache): make the form usable again. */
  window.addEventListener("pageshow", function (e) {
    if (!e.persisted) { return; }
    Array.prototype.forEach.call(document.querySelectorAll("form[data-sending]"), function (f) {
      f.removeAttribute("data-sending");
      busy(f, false);
    });
  });
  document.addEventListener("submit", onSubmit);
}());
