// The ruleset editor: CodeMirror with the text checked as one types (the same checks as
// `kaoping check`, placed on their lines), and the trials, saving and publishing, whose
// answers are fragments rendered by the service.
import { EditorState } from "@codemirror/state";
import {
  EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter, drawSelection,
} from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { syntaxHighlighting, defaultHighlightStyle, indentOnInput, bracketMatching } from "@codemirror/language";
import { linter, lintGutter } from "@codemirror/lint";
import { yaml } from "@codemirror/lang-yaml";

const CHECK_DELAY_MS = 400;
const root = document.getElementById("ruleset-editor");
const rulesetId = root.dataset.ruleset;
const base = `/ui/rulesets/${encodeURIComponent(rulesetId)}`;
const source = document.getElementById("ruleset-source");
const statusLine = document.getElementById("check-status");
const problemList = document.getElementById("problems");
const result = document.getElementById("result");
const csrf = document.querySelector('meta[name="csrf-token"]')?.content;

function send(path, body, contentType, accept) {
  const headers = { "Content-Type": contentType, Accept: accept };
  if (csrf) headers["X-CSRF-Token"] = csrf;
  if (accept === "text/html") headers["HX-Request"] = "true"; // problems come back as a fragment
  return fetch(path, { method: "POST", body, headers }).then((answer) => {
    const away = answer.headers.get("HX-Redirect"); // the session ended: sign in again
    if (away) window.location.assign(away);
    return answer;
  });
}

// ---- live check

function place(doc, problem) {
  if (!problem.line || problem.line > doc.lines) return { from: 0, to: Math.min(1, doc.length) };
  const line = doc.line(problem.line);
  const from = line.from + Math.min(Math.max((problem.column || 1) - 1, 0), line.length);
  return { from, to: from };
}

function spanned(state, at) {
  const word = state.wordAt(at.from);
  if (word) return { from: word.from, to: word.to };
  const line = state.doc.lineAt(at.from);
  return at.from < line.to ? { from: at.from, to: line.to } : at;
}

function where(problem) {
  if (!problem.line) return "整个文本";
  return `第 ${problem.line} 行` + (problem.column ? `第 ${problem.column} 列` : "");
}

function listed(view, problem, severity, at) {
  const item = document.createElement("li");
  item.className = `problem ${severity}`;
  item.dataset.line = problem.line ?? "";
  const jump = document.createElement("button");
  jump.type = "button";
  jump.className = "link";
  jump.textContent = `${severity === "error" ? "错误" : "警告"} · ${where(problem)}`;
  jump.addEventListener("click", () => {
    view.dispatch({ selection: { anchor: at.from }, scrollIntoView: true });
    view.focus();
  });
  const text = document.createElement("span");
  text.textContent = `：${problem.message}` + (problem.path ? `（${problem.path}）` : "");
  item.append(jump, text);
  return item;
}

function showStatus(found) {
  const errors = found.errors.length, warnings = found.warnings.length;
  statusLine.classList.toggle("error", errors > 0);
  statusLine.classList.toggle("ok", errors === 0 && warnings === 0);
  if (errors) statusLine.textContent = `有 ${errors} 个错误${warnings ? `、${warnings} 个警告` : ""}，改正前不能保存`;
  else if (warnings) statusLine.textContent = `没有错误，有 ${warnings} 个警告（可能是笔误，请逐条确认）；总分可达 ${found.lowest_total}–${found.highest_total}`;
  else statusLine.textContent = `检查通过，没有错误或警告；总分可达 ${found.lowest_total}–${found.highest_total}`;
}

async function problemText(answer) {
  try {
    const problem = await answer.json();
    return problem.detail || problem.title || `状态码 ${answer.status}`;
  } catch {
    return `状态码 ${answer.status}`;
  }
}

function pending() {
  statusLine.classList.remove("ok", "error");
  statusLine.textContent = "正在检查…";
}

async function check(view) {
  const text = view.state.doc.toString();
  pending();
  let answer;
  try {
    answer = await send(`${base}/check`, text, "text/plain; charset=utf-8", "application/json");
  } catch {
    statusLine.textContent = "无法连接服务，检查未完成";
    return [];
  }
  if (!answer.ok) {
    statusLine.textContent = `检查未完成：${await problemText(answer)}`;
    statusLine.classList.add("error");
    return [];
  }
  const found = await answer.json();
  const diagnostics = [];
  const items = [];
  for (const [severity, problems] of [["error", found.errors], ["warning", found.warnings]]) {
    for (const problem of problems) {
      const at = place(view.state.doc, problem);
      diagnostics.push({ ...spanned(view.state, at), severity, message: problem.message, source: problem.path || undefined });
      items.push(listed(view, problem, severity, at));
    }
  }
  problemList.replaceChildren(...items);
  showStatus(found);
  return diagnostics;
}

source.hidden = true;
const view = new EditorView({
  parent: document.getElementById("code"),
  state: EditorState.create({
    doc: source.value,
    extensions: [
      lineNumbers(), highlightActiveLineGutter(), highlightActiveLine(), drawSelection(), history(),
      indentOnInput(), bracketMatching(), syntaxHighlighting(defaultHighlightStyle), yaml(),
      keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
      lintGutter(), linter(check, { delay: CHECK_DELAY_MS }),
      EditorView.lineWrapping,
      EditorView.updateListener.of((update) => { if (update.docChanged) pending(); }),
      EditorView.contentAttributes.of({ "aria-label": "规则集 YAML 文本", spellcheck: "false" }),
    ],
  }),
});

// ---- trials, saving, publishing

function drawReplay() {
  const data = document.getElementById("replay-data");
  const place = document.getElementById("replay-chart");
  if (!data || !place || !window.echarts) return;
  const chart = JSON.parse(data.textContent);
  const title = (grade) => chart.titles[grade] || grade;
  const cells = [];
  let most = 1;
  chart.sources.forEach((from, y) => chart.targets.forEach((to, x) => {
    const count = chart.matrix[from][to] || 0;
    most = Math.max(most, count);
    cells.push([x, y, count]);
  }));
  place.style.height = `${Math.min(420, 120 + 56 * chart.sources.length)}px`;
  const drawn = window.echarts.init(place);
  drawn.setOption({
    tooltip: { formatter: (p) => `${title(chart.sources[p.value[1]])} → ${title(chart.targets[p.value[0]])}：${p.value[2]} 个单位` },
    grid: { left: 70, right: 70, top: 20, bottom: 50 },
    xAxis: { type: "category", name: "新等级", nameLocation: "middle", nameGap: 30, data: chart.targets.map(title) },
    yAxis: { type: "category", name: "原等级", nameLocation: "middle", nameGap: 50, data: chart.sources.map(title), inverse: true },
    visualMap: { min: 0, max: most, orient: "vertical", right: 0, top: "middle", itemHeight: 100, text: ["多", "少"], inRange: { color: ["#f5f8fc", "#0b5cad"] } },
    series: [{ type: "heatmap", data: cells, label: { show: true }, emphasis: { itemStyle: { borderColor: "#333", borderWidth: 1 } } }],
  });
  window.addEventListener("resize", () => drawn.resize());
}

async function show(answer) {
  result.innerHTML = await answer.text();
  drawReplay();
  result.scrollIntoView({ behavior: "smooth", block: "start" });
  return answer;
}

function busy(button, work) {
  return async () => {
    button.disabled = true;
    result.setAttribute("aria-busy", "true");
    try {
      await work();
    } catch {
      result.innerHTML = '<p class="error" role="alert">无法连接服务，请稍后重试</p>';
    } finally {
      button.disabled = false;
      result.removeAttribute("aria-busy");
    }
  };
}

const text = () => view.state.doc.toString();
for (const button of root.querySelectorAll("[data-trial]")) {
  button.addEventListener("click", busy(button, () =>
    send(`${base}/trial/${button.dataset.trial}`, text(), "text/plain; charset=utf-8", "text/html").then(show)));
}

const save = document.getElementById("save");
save.addEventListener("click", busy(save, async () => {
  const query = new URLSearchParams({ base_version: root.dataset.base });
  const note = document.getElementById("note").value.trim();
  if (note) query.set("note", note);
  const answer = await send(`${base}/draft?${query}`, text(), "text/plain; charset=utf-8", "text/html").then(show);
  const saved = answer.ok && document.getElementById("saved");
  if (saved) {
    root.dataset.base = saved.dataset.version;
    document.getElementById("base-version").textContent = saved.dataset.version;
    document.getElementById("publish-version").textContent = saved.dataset.version;
  }
}));

const publish = document.getElementById("publish");
publish.addEventListener("click", busy(publish, () => {
  const number = document.getElementById("publish-version").textContent;
  const form = new URLSearchParams({ periods: document.getElementById("periods").value });
  return send(`${base}/versions/${number}/publish`, form, "application/x-www-form-urlencoded", "text/html").then(show);
}));
