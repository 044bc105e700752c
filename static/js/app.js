/* SIBANTU progressive enhancement. Every page works without this file.
   1. Focus the error summary (or the first invalid field) after a failed submit.
   2. Native confirm() for buttons and links with data-confirm.
   3. Character counters for textareas with maxlength.
   4. Chosen file name and size for <input type=file>, with a warning above data-max-bytes
      (the server checks again). Messages follow <html lang>: Indonesian, or English. */
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
