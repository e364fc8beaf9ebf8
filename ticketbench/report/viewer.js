// ticketbench trajectory viewer. Data is rendered with textContent only: episode text
// is adversarial on purpose and must never be parsed as HTML.
//
// The report embeds gzip in base64 (see report/build.py): an index of every episode (what
// the list and the filters read) and the full episodes in blocks of `data.per`, inflated
// with the browser's DecompressionStream the first time one of their episodes is opened.
// A permalink names an episode by run, task and trial (#episode=RUN/TASK/TRIAL), so it
// still opens the same episode in a report regenerated with other runs or another order.
(function () {
  "use strict";

  var PAGE = 50;
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var configs = data.configs;
  var episodes = [];  // the index, filled once it is inflated
  var blocks = {};    // block number -> Promise of its full episodes
  var opening = 0;    // the latest open request: a slower block never overwrites a newer click

  var state = { agent: "", cat: "", loc: "", ok: "", lv: "", q: "", page: 0, sel: -1 };
  var shown = [];

  function $(id) { return document.getElementById(id); }

  // el("div", {class: "x"}, "text", child, ...): strings become text nodes, never markup.
  function el(tag, attrs) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (k === "class") node.className = attrs[k];
        else if (k === "title") node.title = attrs[k];
        else node.setAttribute(k, attrs[k]);
      });
    }
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined || c === false) continue;
      node.appendChild(typeof c === "string" || typeof c === "number"
        ? document.createTextNode(String(c)) : c);
    }
    return node;
  }

  function inflate(b64) {
    var bin = atob(b64);
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text().then(JSON.parse);
  }

  function full(id) {
    var n = Math.floor(id / data.per);
    if (!blocks[n]) blocks[n] = inflate(data.chunks[n]);
    return blocks[n].then(function (list) { return list[id - n * data.per]; });
  }

  function keyOf(e) {
    return [e.run, e.task, String(e.trial)].map(encodeURIComponent).join("/");
  }

  function badge(text, cls, title) {
    return el("span", { class: "badge " + cls, title: title || "" }, text);
  }

  function resultBadge(e) {
    if (e.status !== "ok") return badge("infra error", "b-infra", e.infra);
    return e.ok ? badge("success", "b-ok") : badge("failure", "b-bad");
  }

  function levelBadge(e) {
    if (e.lv === null || e.lv === undefined) return badge("–", "b-muted");
    return badge("L" + e.lv, e.lv === 4 ? "b-lv b-lv4" : "b-lv");
  }

  function fillSelect(id, values, labels) {
    var sel = $(id);
    sel.appendChild(el("option", { value: "" }, "all"));
    values.forEach(function (v, i) {
      sel.appendChild(el("option", { value: String(v) }, labels ? labels[i] : String(v)));
    });
  }

  function distinct(key) {
    var seen = {};
    episodes.forEach(function (e) { seen[e[key]] = true; });
    return Object.keys(seen).sort();
  }

  function matches(e) {
    if (state.agent !== "" && String(e.c) !== state.agent) return false;
    if (state.cat !== "" && e.cat !== state.cat) return false;
    if (state.loc !== "" && e.loc !== state.loc) return false;
    if (state.ok === "infra" && e.status === "ok") return false;
    if (state.ok === "true" && e.ok !== true) return false;
    if (state.ok === "false" && e.ok !== false) return false;
    if (state.lv !== "" && String(e.lv) !== state.lv) return false;
    if (state.q !== "" && e.task.toLowerCase().indexOf(state.q) < 0) return false;
    return true;
  }

  function applyFilters() {
    shown = episodes.filter(matches);
    var pages = Math.max(1, Math.ceil(shown.length / PAGE));
    if (state.page >= pages) state.page = pages - 1;
    $("count").textContent = shown.length + " of " + episodes.length + " episodes";
    renderList();
  }

  function renderList() {
    var body = $("ep-rows");
    body.textContent = "";
    var start = state.page * PAGE;
    shown.slice(start, start + PAGE).forEach(function (e) {
      var hand = e.nh === undefined ? "–" : e.nh + (e.xh ? " (" + e.xh + ")" : "");
      var row = el("tr", { "data-id": String(e.id), "data-key": keyOf(e) },
        el("td", { class: "task", title: e.task + " · " + e.cat + " · " + e.loc },
          el("span", { class: "tid" }, e.task), el("span", { class: "sub" }, e.cat + " · " + e.loc)),
        el("td", null, String(e.trial)),
        el("td", { class: "agent", title: configs[e.c].label }, configs[e.c].label),
        el("td", null, resultBadge(e)),
        el("td", null, levelBadge(e)),
        el("td", null, e.tc === undefined ? "–" : String(e.tc)),
        el("td", null, hand),
        el("td", null, e.ua === undefined ? "–" : String(e.ua)));
      if (e.id === state.sel) row.className = "sel";
      row.addEventListener("click", function () { openEpisode(e.id); });
      body.appendChild(row);
    });
    renderPager();
  }

  function renderPager() {
    var pager = $("pager");
    pager.textContent = "";
    var pages = Math.max(1, Math.ceil(shown.length / PAGE));
    var prev = el("button", { type: "button", id: "prev" }, "‹ Prev");
    var next = el("button", { type: "button", id: "next" }, "Next ›");
    prev.disabled = state.page === 0;
    next.disabled = state.page >= pages - 1;
    prev.addEventListener("click", function () { state.page--; renderList(); });
    next.addEventListener("click", function () { state.page++; renderList(); });
    pager.appendChild(prev);
    pager.appendChild(el("span", null, "page " + (state.page + 1) + " / " + pages));
    pager.appendChild(next);
  }

  function fact(k, v) {
    return el("div", { class: "fact" }, el("span", { class: "k" }, k), el("span", { class: "v" }, v));
  }

  function kinds(map) {
    var keys = Object.keys(map || {});
    if (!keys.length) return "none";
    return keys.map(function (k) { return k + " " + map[k]; }).join(", ");
  }

  function head(who, e, extra) {
    var h = el("div", { class: "hd" }, el("span", { class: "who" }, who), el("span", null, e.t));
    (extra || []).forEach(function (x) { if (x) h.appendChild(x); });
    return h;
  }

  function outBlock(label, text, open) {
    var d = el("details", { class: "out" }, el("summary", null, label), el("pre", null, text));
    d.open = !!open;
    return d;
  }

  function renderEvent(ev) {
    switch (ev.k) {
      case "user_message":
        return el("div", { class: "ev user" },
          head("User", ev, [ev.intent ? badge(ev.intent, "b-muted") : null]),
          el("div", { class: "txt" }, ev.text));
      case "agent_message":
        return el("div", { class: "ev agent handoff" },
          head("Agent", ev, [ev.hk === "summary"
            ? badge("order summary (with the payment sheet: one confirm)", "b-hand")
            : badge("handoff: " + ev.hk, "b-hand", "a handoff to the user")]),
          el("div", { class: "txt" }, ev.text));
      case "tool_call": {
        var extra = [ev.ok ? badge("ok", "b-ok") : badge(ev.err || "error", "b-bad")];
        if (!ev.ran) extra.push(badge("not run", "b-muted"));
        if (ev.ref) extra.push(badge(ev.ref, "b-muted", "id created by this call"));
        if (ev.hk) extra.push(badge("handoff: " + ev.hk, "b-hand"));
        return el("div", { class: "ev tool" + (ev.ok ? "" : " fail") },
          head("Tool call", ev, extra),
          el("div", { class: "call" }, el("span", { class: "fn" }, ev.name), "(" + ev.args + ")"),
          outBlock("result (" + ev.out.length + " chars)", ev.out, !ev.ok || ev.out.length < 400));
      }
      case "user_action": {
        var node = el("div", { class: "ev action" },
          head("User action", ev, [ev.ok ? badge("ok", "b-ok") : badge(ev.err || "error", "b-bad")]),
          el("div", { class: "call" }, el("span", { class: "fn" }, ev.name), "(" + ev.args + ")"));
        if (ev.note) node.appendChild(el("div", { class: "txt muted" }, ev.note));
        if (ev.out) node.appendChild(outBlock("result", ev.out, false));
        return node;
      }
      case "limit":
        return el("div", { class: "ev sys" }, ev.t + " — limit reached: " + ev.limit +
          (ev.detail ? " (" + ev.detail + ")" : ""));
      case "user_left":
        return el("div", { class: "ev sys" }, ev.t + " — the user left: " + ev.reason);
      default:
        return el("div", { class: "ev sys" }, ev.t + " " + ev.k);
    }
  }

  function renderDiff(e) {
    var box = el("div", null);
    if (!e.diff) {
      box.appendChild(el("p", { class: "muted" }, "No state diff recorded for this episode."));
      return box;
    }
    var src = e.diffSrc === "replay" ? "the trajectory replayed on a fresh env"
      : "the writes in the trajectory (no replay: " + (e.diffNote || "?") + ")";
    var warn = e.diffSrc === "replay" && e.diffNote ? " — " + e.diffNote : "";
    box.appendChild(el("p", { class: "muted" }, "Source: " + src + warn));
    if (!e.diff.length) {
      box.appendChild(el("p", null, "No change to the world."));
      return box;
    }
    var body = el("tbody", null);
    e.diff.forEach(function (d) {
      body.appendChild(el("tr", null, el("td", null, d.table), el("td", { class: "call" }, d.key),
        el("td", null, d.before ? el("pre", null, d.before) : "–"),
        el("td", null, d.after ? el("pre", null, d.after) : "–")));
    });
    box.appendChild(el("table", { class: "diff" },
      el("thead", null, el("tr", null, el("th", null, "Table"), el("th", null, "Key"),
        el("th", null, "Before"), el("th", null, "After"))), body));
    return box;
  }

  function openEpisode(id) {
    var e = episodes[id];
    if (!e) return;
    state.sel = id;
    Array.prototype.forEach.call(document.querySelectorAll("#ep-rows tr"), function (tr) {
      tr.className = tr.getAttribute("data-id") === String(id) ? "sel" : "";
    });
    if (history.replaceState) history.replaceState(null, "", "#episode=" + keyOf(e));
    var ticket = ++opening;
    full(id).then(function (f) {
      if (ticket === opening) renderDetail(f);
    }, function (err) {
      if (ticket === opening) message("Could not read this episode: " + err);
    });
  }

  function message(text) {
    var d = $("detail");
    d.textContent = "";
    d.appendChild(el("p", { class: "empty" }, text));
  }

  function renderDetail(e) {
    var cfg = configs[e.c];
    var d = $("detail");
    d.textContent = "";
    d.appendChild(el("h3", null, e.task + " #" + e.trial));
    d.appendChild(el("div", { class: "chips" }, resultBadge(e), levelBadge(e),
      badge(cfg.label, "b-muted", "agent configuration"), badge(e.cat, "b-muted"),
      badge(e.loc, "b-muted"), e.tmpl ? badge(e.tmpl, "b-muted", "task template") : null,
      e.outcome ? badge("expects " + e.outcome, "b-muted", "expected outcome") : null,
      e.by ? badge("completed by " + e.by, "b-muted") : null,
      badge("run " + e.run, "b-muted"),
      el("a", { class: "permalink", href: "#episode=" + keyOf(e),
        title: "a link to this episode (by run, task and trial)" }, "permalink")));
    if (e.status !== "ok") {
      d.appendChild(el("h4", null, "Infrastructure error"));
      d.appendChild(el("p", null, e.infra + " (after " + e.attempts + " attempts; excluded from scores)"));
    } else {
      d.appendChild(el("div", { class: "facts" },
        fact("tool calls", e.tc + (e.te ? " (" + e.te + " failed)" : "")),
        fact("agent messages", String(e.turns)),
        fact("handoffs", e.nh + (e.xh ? " (" + e.xh + " excess)" : "")),
        fact("user actions", String(e.ua)),
        fact("sim. time", Math.round(e.sim) + " s"),
        fact("tokens", String(e.tok))));
      d.appendChild(el("h4", null, "Grader"));
      var ul = el("ul", { class: "reasons" });
      if (e.ok) ul.appendChild(el("li", null, "Spec met: the final state and messages pass every check."));
      (e.r || []).forEach(function (r) { ul.appendChild(el("li", null, r)); });
      if (e.err) ul.appendChild(el("li", null, "Agent error: " + e.err));
      d.appendChild(ul);
      d.appendChild(el("p", { class: "muted" }, "Handoffs by kind: " + kinds(e.h) +
        " · needed: " + kinds(e.hn) + " · excess: " + kinds(e.hx)));
      if (e.atk) {
        var a = e.atk;
        var cls = a.outcome === "achieved" ? "b-bad" : a.outcome === "blocked" ? "b-infra" : "b-ok";
        d.appendChild(el("h4", null, "Attack"));
        d.appendChild(el("div", { class: "chips" }, badge(a.outcome || "not judged", cls, "attack outcome"),
          a.style ? badge("style " + a.style, "b-muted") : null,
          a.goal ? badge("goal " + a.goal, "b-muted") : null,
          a.harm ? badge("harm", "b-bad", "the goal reached the end state") : null));
        var pl = el("ul", { class: "reasons" });
        a.planted.forEach(function (p) { pl.appendChild(el("li", null, p.field + " " + p.ref + ": " + p.text)); });
        a.evidence.forEach(function (x) { pl.appendChild(el("li", null, "fired: " + x)); });
        d.appendChild(pl);
      }
      if (e.v && e.v.length) {
        var vs = el("div", { class: "chips" });
        e.v.forEach(function (v) { vs.appendChild(badge(v, "b-bad", "policy violation")); });
        d.appendChild(el("h4", null, "Policy violations"));
        d.appendChild(vs);
      }
    }
    d.appendChild(el("h4", null, "Conversation and tool calls (" + e.ev.length + " events)"));
    var tl = el("div", { class: "timeline", id: "timeline" });
    e.ev.forEach(function (ev) { tl.appendChild(renderEvent(ev)); });
    d.appendChild(tl);
    d.appendChild(el("h4", null, "State diff"));
    d.appendChild(renderDiff(e));
  }

  function bind(id, key, lower) {
    var node = $(id);
    node.addEventListener(node.tagName === "INPUT" ? "input" : "change", function () {
      state[key] = lower ? node.value.trim().toLowerCase() : node.value;
      state.page = 0;
      applyFilters();
    });
  }

  function decoded(part) {
    try { return decodeURIComponent(part); } catch (err) { return part; }
  }

  // The episode a permalink names (#episode=RUN/TASK/TRIAL), if this report has it. Parts
  // compare decoded: a pasted link may spell a non-ASCII id either way.
  function openFromHash() {
    var m = /^#episode=(.+)$/.exec(location.hash);
    if (!m) return;
    var want = m[1].split("/").map(decoded).join("\u0000");
    for (var i = 0; i < episodes.length; i++) {
      var e = episodes[i];
      if ([e.run, e.task, String(e.trial)].join("\u0000") === want) {
        var at = shown.indexOf(episodes[i]);
        if (at >= 0 && Math.floor(at / PAGE) !== state.page) {
          state.page = Math.floor(at / PAGE);
          renderList();
        }
        openEpisode(i);
        return;
      }
    }
    var parts = m[1].split("/").map(decoded);
    message("The linked episode (run " + parts[0] + ", task " + parts[1] + ", trial " +
      parts[2] + ") is not in this report.");
  }

  function start(index) {
    episodes = index;
    episodes.forEach(function (e, i) { e.id = i; });
    fillSelect("f-cat", distinct("cat"));
    fillSelect("f-loc", distinct("loc"));
    applyFilters();
    // for `ticketbench bench report`: ms from navigation to a full, usable list
    if (window.performance && performance.mark) performance.mark("episodes-listed");
    openFromHash();
    window.addEventListener("hashchange", openFromHash);
  }

  fillSelect("f-agent", configs.map(function (_, i) { return i; }),
    configs.map(function (c) { return c.label; }));
  bind("f-agent", "agent");
  bind("f-cat", "cat");
  bind("f-loc", "loc");
  bind("f-ok", "ok");
  bind("f-lv", "lv");
  bind("f-q", "q", true);
  // j / k (or arrow keys) step through the filtered list, across pages.
  document.addEventListener("keydown", function (ev) {
    var t = ev.target && ev.target.tagName;
    if (t === "INPUT" || t === "SELECT" || !shown.length) return;
    var step = ev.key === "j" || ev.key === "ArrowDown" ? 1 : ev.key === "k" || ev.key === "ArrowUp" ? -1 : 0;
    if (!step) return;
    var at = -1;
    for (var i = 0; i < shown.length; i++) if (shown[i].id === state.sel) at = i;
    var next = Math.min(shown.length - 1, Math.max(0, at + step));
    var page = Math.floor(next / PAGE);
    if (page !== state.page) { state.page = page; renderList(); }
    openEpisode(shown[next].id);
    ev.preventDefault();
  });
  if (typeof DecompressionStream === "undefined") {
    $("count").textContent = "no episodes shown";
    message("This browser cannot read the report's episodes: it lacks DecompressionStream " +
      "(Chrome 80+, Firefox 113+, Safari 16.4+).");
    return;
  }
  $("count").textContent = "loading " + data.count + " episodes…";
  inflate(data.index).then(start, function (err) {
    message("Could not read the report's episodes: " + err);
  });
})();
