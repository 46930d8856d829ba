// End-to-end test of the frontend against the real binary on a fresh SQLite database:
// Debian's chromium (never a downloaded one) driven by playwright-core.
//
//   node e2e.mjs [path/to/dtpilot]     (frontend/dist must be built: cargo run -p xtask -- frontend)
//
// Screenshots go to target/browser-screenshots/.
import { chromium } from "playwright-core";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const targetDir = resolve(root, process.env.CARGO_TARGET_DIR ?? "target");
const binary = resolve(process.argv[2] ?? join(targetDir, "debug/dtpilot"));
const staticDir = join(root, "frontend/dist");
const shots = join(targetDir, "browser-screenshots");
mkdirSync(shots, { recursive: true });
assert.ok(existsSync(join(staticDir, "index.html")), "frontend/dist is not built: cargo run -p xtask -- frontend");

const data = mkdtempSync(join(tmpdir(), "dtpilot-browser-"));
const db = ["--database-url", `sqlite://${join(data, "dtpilot.db")}`, "--data-dir", data];
const created = spawnSync(
  binary,
  ["create-user", ...db, "--username", "admin", "--role", "admin", "--display-name", "王管理员", "--password-stdin"],
  { input: "correct horse battery\n", encoding: "utf8" },
);
assert.equal(created.status, 0, created.stderr);

// Start `dtpilot serve` on a database; resolves when it listens, with everything it printed
// before (the demo's account table).
const serve = (args, timeoutMs) => {
  const proc = spawn(binary, ["serve", ...args, "--bind", "127.0.0.1:0", "--static-dir", staticDir], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, DTPILOT_LOG: process.env.DTPILOT_LOG ?? "error" },
  });
  return new Promise((ok, fail) => {
    let out = "";
    proc.stdout.on("data", (chunk) => {
      out += chunk;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) ok({ proc, base: m[1], out });
    });
    proc.on("exit", (code) => fail(new Error(`dtpilot exited with ${code}: ${out}`)));
    setTimeout(() => fail(new Error(`dtpilot did not start: ${out}`)), timeoutMs);
  });
};
const { proc: server, base } = await serve(db, 30000);
// A second server on another fresh database, filled by `--demo` through its own API: every
// role's dashboard is looked at with living data, and one application goes through the UI.
const demoData = mkdtempSync(join(tmpdir(), "dtpilot-browser-demo-"));
const demoDb = ["--database-url", `sqlite://${join(demoData, "dtpilot.db")}`, "--data-dir", demoData];
const demo = await serve([...demoDb, "--demo"], 300000);
const DEMO_PASSWORD = "Demo-2026!";

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
let failed = false;
const step = async (name, body) => {
  const started = Date.now();
  try {
    await body();
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (e) {
    failed = true;
    console.log(`FAIL ${name}: ${e.message}`);
  }
};

// Every page reports what the Content-Security-Policy blocked as a console error (Chromium prints
// most violations itself; this names the directive and what was blocked): the "no errors" steps
// then fail on any (SPEC §9.2: the SPA and the Swagger UI work under the server's policy).
const reportCsp = () =>
  document.addEventListener("securitypolicyviolation", (e) =>
    console.error(`CSP violation: ${e.effectiveDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`));

try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
  await page.addInitScript(reportCsp);
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  const shot = (name) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  const expectTextOn = (p, selector, text) => p.locator(selector).filter({ hasText: text }).first().waitFor({ timeout: 10000 });
  const expectText = (selector, text) => expectTextOn(page, selector, text);

  await step("unknown non-API path gets the app; /api 404 stays problem+json", async () => {
    const spa = await page.request.get(`${base}/some/deep/link`);
    assert.equal(spa.status(), 200);
    assert.match(await spa.text(), /dtpilot_frontend\.js/);
    const csp = spa.headers()["content-security-policy"] ?? "";
    for (const directive of ["default-src 'self'", "object-src 'none'", "frame-ancestors 'none'", "'wasm-unsafe-eval'"]) {
      assert.ok(csp.includes(directive), `the SPA's CSP lacks ${directive}: ${csp}`);
    }
    assert.equal(spa.headers()["x-content-type-options"], "nosniff");
    const api = await page.request.get(`${base}/api/v1/nope`);
    assert.equal(api.status(), 404);
    assert.match(api.headers()["content-type"], /problem\+json/);
    const health = await page.request.get(`${base}/healthz`);
    assert.equal(health.status(), 200);
  });

  await step("calculator: target 3 + 800000.00 → ¥350,000.00 / 35万元, prepayment ¥175,000.00", async () => {
    await page.goto(`${base}/calculator`);
    await page.locator("#target_level").selectOption("3");
    await page.locator("#planned_eligible_investment").fill("800000.00");
    await page.locator("#calculate").click();
    await expectText("#planned_subsidy", "¥350,000.00");
    assert.equal((await page.locator("#planned_subsidy .wan").textContent()).trim(), "35万元");
    assert.equal((await page.locator("#prepayment .yuan").textContent()).trim(), "¥175,000.00");
    assert.equal((await page.locator("#prepayment .wan").textContent()).trim(), "17.5万元");
    const rules = await page.locator("#rules-applied").textContent();
    assert.match(rules, /R1/);
    assert.match(rules, /R2\s*计划补助/);
    await shot("calculator-quote");
  });

  await step("calculator: 1.001 → a Chinese 422 message beside the field", async () => {
    await page.locator("#planned_eligible_investment").fill("1.001");
    await page.locator("#calculate").click();
    const err = page.locator("#error-planned_eligible_investment");
    await err.waitFor({ timeout: 10000 });
    const text = await err.textContent();
    assert.match(text, /[\u4e00-\u9fff]/, `not Chinese: ${text}`);
    // Beside its field: inside the same label as the input.
    assert.equal(await page.locator("label", { has: page.locator("#planned_eligible_investment") }).locator(".field-error").count(), 1);
    assert.equal(await page.locator("#quote-result").count(), 0);
    console.log(`     422 message: ${text}`);
    await shot("calculator-422");
  });

  await step("English switch", async () => {
    await page.locator("#switch-lang").click();
    await expectText("h1", "Retrofit subsidy calculator");
    assert.equal(await page.locator("html").getAttribute("lang"), "en");
    await shot("calculator-english");
    await page.locator("#switch-lang").click();
    await expectText("h1", "数字化改造补助测算");
  });

  await step("wrong password → the server's Chinese detail", async () => {
    await page.goto(`${base}/`);
    await page.locator("#username").fill("admin");
    await page.locator("#password").fill("wrong password");
    await page.locator("#login-form button[type=submit]").click();
    const err = page.locator("#login-error");
    await err.waitFor({ timeout: 10000 });
    assert.match(await err.textContent(), /[\u4e00-\u9fff]/);
    console.log(`     401 message: ${await err.textContent()}`);
    await shot("login-error");
  });

  await step("login as admin → the admin dashboard; header with display name and role; account from /me", async () => {
    await page.locator("#password").fill("correct horse battery");
    await page.locator("#login-form button[type=submit]").click();
    await expectText("#user-display-name", "王管理员");
    assert.equal((await page.locator("#user-role").textContent()).trim(), "平台管理员");
    await page.locator("#dashboard-admin").waitFor({ timeout: 10000 });
    assert.equal(new URL(page.url()).pathname, "/");
    await page.locator("#nav-account").click();
    await expectText("#me", "admin");
    assert.equal(new URL(page.url()).pathname, "/account");
    await shot("account");
  });

  await step("reload keeps the session (sessionStorage + refresh)", async () => {
    await page.reload();
    await expectText("#user-display-name", "王管理员");
  });

  await step("logout → login page, session gone", async () => {
    await page.locator("#logout").click();
    await page.locator("#login-form").waitFor({ timeout: 10000 });
    assert.equal(await page.locator("#current-user").count(), 0);
    assert.equal(await page.evaluate(() => sessionStorage.getItem("dtpilot.session")), null);
    assert.equal(new URL(page.url()).pathname, "/login");
    await shot("logged-out");
  });

  await step("the API docs (Swagger UI) render under the Content-Security-Policy", async () => {
    const resp = await page.goto(`${base}/api/docs`);
    assert.match(resp.headers()["content-security-policy"] ?? "", /default-src 'self'/);
    await page.locator(".swagger-ui .opblock").first().waitFor({ timeout: 15000 });
    assert.ok((await page.locator(".swagger-ui .opblock").count()) > 20, "the operations are listed");
    await shot("api-docs");
  });

  await step("no errors in the browser console", async () => {
    assert.deepEqual(errors.filter((e) => !/status of 40[01]|status of 422/.test(e)), []);
  });

  // ---- The demo: every role's dashboard, then one application through the UI only ----------
  const accounts = [...demo.out.matchAll(/^\s*(\S+)\s+(enterprise|provider|county|city|finance|evaluator|admin)\s+(.*)$/gm)]
    .map((m) => ({ username: m[1], role: m[2], rest: m[3] }));
  const first = (pred, what) => {
    const a = accounts.find(pred);
    assert.ok(a, `the demo banner lists no ${what}`);
    return a.username;
  };
  const demoUser = (u) => u === "admin" || accounts.some((a) => a.username === u);

  const signIn = async (p, username) => {
    assert.ok(demoUser(username), `${username} is not a demo account`);
    await p.goto(`${demo.base}/login`);
    await p.locator("#username").fill(username);
    await p.locator("#password").fill(DEMO_PASSWORD);
    await p.locator("#login-form button[type=submit]").click();
    await p.locator("#current-user").waitFor({ timeout: 10000 });
  };
  const newPage = async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await ctx.addInitScript(reportCsp);
    const p = await ctx.newPage();
    p.on("pageerror", (e) => errors.push(e.message));
    p.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    return p;
  };
  const apiAs = async (username) => {
    const r = await page.request.post(`${demo.base}/api/v1/auth/login`, { data: { username, password: DEMO_PASSWORD } });
    assert.equal(r.status(), 200, `login ${username}`);
    const token = (await r.json()).access_token;
    return async (path) => {
      const a = await page.request.get(`${demo.base}/api/v1${path}`, { headers: { Authorization: `Bearer ${token}` } });
      assert.equal(a.status(), 200, `GET ${path}`);
      return a.json();
    };
  };

  const dashboards = [
    ["city", "city"],
    ["finance", "finance"],
    ["evaluator", "evaluator"],
    ["admin", "admin"],
    ["county", first((a) => a.role === "county", "county account")],
    ["provider", first((a) => a.role === "provider" && !/suspended/.test(a.rest), "active provider")],
    ["enterprise", first((a) => a.role === "enterprise" && /改造实施中|in progress/i.test(a.rest), "enterprise in progress")],
  ];
  for (const [role, username] of dashboards) {
    await step(`demo: ${username} (${role}) lands on the ${role} dashboard with living data`, async () => {
      const p = await newPage();
      await signIn(p, username);
      await p.locator(`#dashboard-${role}`).waitFor({ timeout: 10000 });
      assert.equal(new URL(p.url()).pathname, "/");
      await p.locator("main table.list tbody tr").first().waitFor({ timeout: 15000 });
      const errorsShown = await p.locator("main .error").allTextContents();
      assert.deepEqual(errorsShown, [], `errors on the dashboard: ${errorsShown.join(" | ")}`);
      assert.match(await p.locator("main").textContent(), /[\u4e00-\u9fff]/);
      await p.screenshot({ path: join(shots, `dashboard-${role}.png`), fullPage: true });
      await p.context().close();
    });
  }

  await step("demo: city progress tab charts the Annex 1 targets", async () => {
    const p = await newPage();
    await signIn(p, "city");
    await p.locator("#tab-progress").click();
    await p.locator("#targets-chart rect").first().waitFor({ timeout: 10000 });
    await p.screenshot({ path: join(shots, "dashboard-city-progress.png"), fullPage: true });
    await p.context().close();
  });

  // One application, all through the UI: the enterprise files and submits it, the county
  // recommends it, the city approves it. (The API is used only to find who is who and to check.)
  const applicant = first((a) => a.role === "enterprise" && /已诊断,尚未申报/.test(a.rest), "diagnosed enterprise without application");
  const asApplicant = await apiAs(applicant);
  const me = await asApplicant("/me");
  const enterprise = await asApplicant(`/enterprises/${me.enterprise_id}`);
  const countyUser = `county_${enterprise.county}`;
  let batchId;
  for (const b of await asApplicant("/batches")) {
    if ((await asApplicant(`/enterprises?batch_id=${b.id}`)).total > 0) batchId = b.id;
  }
  assert.ok(batchId, "the applicant is in no batch");
  let projectId;

  await step(`UI walk 1/3: ${applicant} files an application and submits it`, async () => {
    const p = await newPage();
    await signIn(p, applicant);
    await p.locator("#dashboard-enterprise").waitFor({ timeout: 10000 });
    await p.locator("#new-project-form").waitFor({ timeout: 10000 });
    await p.locator("#np-batch").selectOption(String(batchId));
    await p.locator("#np-provider option").nth(1).waitFor({ state: "attached", timeout: 10000 });
    await p.locator("#np-provider").selectOption({ index: 1 });
    await p.locator("#np-contract-no").fill("HT-UI-2026-001");
    await p.locator("#np-contract-amount").fill("900000.00");
    await p.locator("#np-investment").fill("800000.00");
    await p.locator("#np-target-level").selectOption("3");
    await expectTextOn(p, "#np-estimate", "350,000.00");
    await p.screenshot({ path: join(shots, "walk-1-new-application.png"), fullPage: true });
    await p.locator("#np-submit").click();
    await p.locator("#project[data-state=draft]").waitFor({ timeout: 10000 });
    projectId = Number(await p.locator("#project").getAttribute("data-project"));
    await p.locator("#submit-project").click();
    await p.locator("#project[data-state=submitted]").waitFor({ timeout: 10000 });
    await expectTextOn(p, "#project .badge", "已申报");
    await p.screenshot({ path: join(shots, "walk-1-submitted.png"), fullPage: true });
    await p.context().close();
  });

  await step(`UI walk 2/3: ${countyUser} finds it in the first-instance queue and recommends it`, async () => {
    assert.ok(projectId, "no project from step 1");
    const p = await newPage();
    await signIn(p, countyUser);
    await p.locator("#dashboard-county").waitFor({ timeout: 10000 });
    const row = p.locator(`#county-queue tr[data-project="${projectId}"]`);
    await row.waitFor({ timeout: 10000 });
    await row.locator("a.open-project").click();
    await p.locator("#project[data-state=submitted]").waitFor({ timeout: 10000 });
    await p.locator("#review-comment").fill("材料齐全,同意推荐");
    await p.locator("#county-recommend").click();
    await p.locator("#project[data-state=county_recommended]").waitFor({ timeout: 10000 });
    await p.screenshot({ path: join(shots, "walk-2-recommended.png"), fullPage: true });
    await p.context().close();
  });

  await step("UI walk 3/3: city finds it in the review queue and approves it", async () => {
    assert.ok(projectId, "no project from step 1");
    const p = await newPage();
    await signIn(p, "city");
    await p.locator("#dashboard-city").waitFor({ timeout: 10000 });
    await p.locator("#city-queue-q").fill(enterprise.name);
    await p.locator("#city-queue-q").press("Enter");
    const row = p.locator(`#city-queue tr[data-project="${projectId}"]`);
    await row.waitFor({ timeout: 10000 });
    await row.locator("a.open-project").click();
    await p.locator("#project[data-state=county_recommended]").waitFor({ timeout: 10000 });
    await p.locator("#review-comment").fill("综合评审通过");
    await p.locator("#city-approve").click();
    await p.locator("#project[data-state=approved]").waitFor({ timeout: 10000 });
    await expectTextOn(p, "#history", "综合评审通过");
    await p.screenshot({ path: join(shots, "walk-3-approved.png"), fullPage: true });
    await p.context().close();
    const asCity = await apiAs("city");
    const project = await asCity(`/projects/${projectId}`);
    assert.equal(project.status, "approved");
    assert.deepEqual(project.history.map((h) => h.action), ["create", "submit", "county_recommend", "city_approve"]);
  });

  await step("demo: the city exports the payment list to Excel (a real xlsx download)", async () => {
    const p = await newPage();
    await signIn(p, "city");
    await p.locator("#tab-payments").click();
    await p.locator("#payments-pending tbody tr").first().waitFor({ timeout: 10000 });
    const [download] = await Promise.all([p.waitForEvent("download", { timeout: 20000 }), p.locator("#payments-export").click()]);
    assert.equal(download.suggestedFilename(), "支付指令.xlsx");
    const file = await download.path();
    const bytes = readFileSync(file);
    assert.equal(bytes.subarray(0, 2).toString("latin1"), "PK", "an xlsx is a zip");
    assert.ok(bytes.length > 2000, `xlsx of ${bytes.length} bytes`);
    await p.context().close();
  });

  await step("demo: the evaluator records an acceptance with the PDF report and the scheme's detail through the UI (level mismatch flagged)", async () => {
    const p = await newPage();
    await signIn(p, "evaluator");
    await p.locator("#dashboard-evaluator").waitFor({ timeout: 10000 });
    await p.locator("#evaluator-queue tbody tr a.open-project").first().click();
    await p.locator("#evaluation-form").waitFor({ timeout: 10000 });
    // Without the report the form names the missing file beside its field, and nothing is sent.
    await p.locator("#evaluation-score").fill("86.5");
    await p.locator("#evaluation-form button[type=submit]").click();
    await p.locator("#evaluation-form .field-error[data-field=file]").waitFor({ timeout: 5000 });
    await p.locator("#evaluation-level").selectOption("3");
    // The scheme's detail (full marks, every scene at level 4) computes level 4: recorded 3 is flagged.
    const scheme = await (await page.request.get(`${demo.base}/api/v1/evaluation-scheme`)).json();
    await p.locator("#detail-enabled").check();
    for (const d of scheme.dimensions) await p.locator(`#detail-${d.key}`).fill(String(d.max));
    for (const sc of scheme.scenes) await p.locator(`#scene-${sc.key}`).selectOption("4");
    await p.locator("#evaluation-file").setInputFiles({
      name: "验收报告.pdf",
      mimeType: "application/pdf",
      buffer: Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"),
    });
    await p.locator("#evaluation-form button[type=submit]").click();
    await p.locator("#project:is([data-state=accepted],[data-state=settled])").waitFor({ timeout: 15000 });
    await p.locator("#download-report").waitFor({ timeout: 10000 });
    await p.locator("#level-mismatch").waitFor({ timeout: 10000 });
    await p.screenshot({ path: join(shots, "evaluator-accepted.png"), fullPage: true });
    await p.context().close();
  });

  await step("demo: finance executes an approved payment with its voucher number", async () => {
    const p = await newPage();
    await signIn(p, "finance");
    await p.locator("#dashboard-finance").waitFor({ timeout: 10000 });
    const form = p.locator("#payments-to-pay form[id^=execute-]").first();
    await form.waitFor({ timeout: 10000 });
    const id = (await form.getAttribute("id")).replace("execute-", "");
    await p.locator(`#voucher-${id}`).fill("PZ-UI-0001");
    await p.locator(`#execute-submit-${id}`).click();
    await p.locator(`#execute-${id}`).waitFor({ state: "detached", timeout: 10000 });
    const asFinance = await apiAs("finance");
    const paid = (await asFinance("/payments?status=paid&per_page=100")).items.find((x) => String(x.id) === id);
    assert.ok(paid, `payment ${id} is not paid`);
    assert.equal(paid.voucher_no, "PZ-UI-0001");
    await p.context().close();
  });

  // Issue 5: the programme's desks.
  const uscc = (body17) => {
    const chars = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    const w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
    const sum = [...body17].reduce((acc, c, i) => acc + chars.indexOf(c) * w[i], 0);
    return body17 + chars[(31 - (sum % 31)) % 31];
  };
  const downloadOf = async (p, selector, filename) => {
    const [download] = await Promise.all([p.waitForEvent("download", { timeout: 20000 }), p.locator(selector).click()]);
    if (filename) assert.equal(download.suggestedFilename(), filename);
    const bytes = readFileSync(await download.path());
    assert.equal(bytes.subarray(0, 2).toString("latin1"), "PK", "an xlsx is a zip");
    return bytes;
  };

  await step("demo: city budgets and awards (R10–R13): the pools with what is left, the awards with their caps", async () => {
    const p = await newPage();
    await signIn(p, "city");
    await p.locator("#tab-budgets").click();
    await p.locator("#budgets-table tbody tr").first().waitFor({ timeout: 10000 });
    await p.locator("#awards-table tbody tr").first().waitFor({ timeout: 10000 });
    // R13: a central budget whose retrofit part is under 80% is refused, the reason beside the form.
    await p.locator("#bg-fund").selectOption("central");
    await p.locator("#bg-amount").fill("1000000.00");
    await p.locator("#bg-retrofit").fill("100000.00");
    await p.locator("#bg-submit").click();
    await p.locator("#budget-form .error, #budget-form .field-error").first().waitFor({ timeout: 10000 });
    await p.screenshot({ path: join(shots, "city-budgets.png"), fullPage: true });
    await p.context().close();
  });

  await step("demo: city batch progress, the weekly report (xlsx) and an import with its errors, all through the UI", async () => {
    const p = await newPage();
    await signIn(p, "city");
    await p.locator("#tab-batch-progress").click();
    await p.locator("#progress-table tbody tr").first().waitFor({ timeout: 10000 });
    await p.locator("#tab-reports").click();
    await p.locator("#report-by-county tbody tr").first().waitFor({ timeout: 10000 });
    await downloadOf(p, "#report-export");
    await p.screenshot({ path: join(shots, "city-weekly-report.png"), fullPage: true });
    await p.locator("#tab-import").click();
    await p.locator("#import-form").waitFor({ timeout: 10000 });
    const header = "企业名称,统一社会信用代码,县区,行业,是否规上企业,从业人员(人),上年营业收入(元),是否专精特新“小巨人”,是否不享受中央资金,联系人,联系电话";
    const line = (n, code) => `浏览器导入${n}有限公司,${code},潞州区,智能电力设备制造业,是,80,20000000.00,否,否,李工,13900000000`;
    const good = [uscc("91140400MA0B00001"), uscc("91140400MA0B00002")];
    // One bad credit code: every row is checked, nothing is imported, the error names its row.
    const bad = [header, line(1, good[0]), line(2, "91140400MA0B000029")].join("\n");
    await p.locator("#import-file").setInputFiles({ name: "调查表.csv", mimeType: "text/csv", buffer: Buffer.from(bad) });
    await p.locator("#import-submit").click();
    await p.locator("#import-errors tbody tr").first().waitFor({ timeout: 15000 });
    assert.ok((await p.locator("#import-errors tbody td.num").allTextContents()).includes("3"), "the error names row 3");
    const ok = [header, line(1, good[0]), line(2, good[1])].join("\n");
    await p.locator("#import-file").setInputFiles({ name: "调查表.csv", mimeType: "text/csv", buffer: Buffer.from(ok) });
    await p.locator("#import-submit").click();
    await p.locator("#import-done").waitFor({ timeout: 15000 });
    const asCity = await apiAs("city");
    assert.equal((await asCity(`/enterprises?q=${encodeURIComponent("浏览器导入")}`)).total, 2);
    await p.context().close();
  });

  await step("demo: city performance tab: the providers' ranking, products to review, and a level mismatch flagged on its project", async () => {
    const p = await newPage();
    await signIn(p, "city");
    await p.locator("#tab-performance").click();
    await p.locator("#provider-ranking tbody tr").first().waitFor({ timeout: 10000 });
    await p.locator("#mismatch-list tbody tr").first().waitFor({ timeout: 10000 });
    await p.locator("#city-products table tbody tr").first().waitFor({ timeout: 10000 });
    await p.screenshot({ path: join(shots, "city-performance.png"), fullPage: true });
    const asCity = await apiAs("city");
    const mismatched = (await asCity("/projects?level_mismatch=true")).items;
    assert.ok(mismatched.length > 0, "the demo has a level mismatch");
    await p.goto(`${demo.base}/projects/${mismatched[0].id}`);
    await p.locator("#level-mismatch").waitFor({ timeout: 15000 });
    await p.context().close();
  });

  await step("demo: a county opens accounts for its listed enterprises and downloads the credential sheet", async () => {
    const p = await newPage();
    await signIn(p, "county_luzhou");
    await p.locator("#county-enterprises tbody tr").first().waitFor({ timeout: 10000 });
    const [download] = await Promise.all([
      p.waitForEvent("download", { timeout: 30000 }),
      p.locator("#county-enterprises-accounts-open").click(),
    ]);
    assert.equal(download.suggestedFilename(), "账号清单.xlsx");
    const bytes = readFileSync(await download.path());
    assert.equal(bytes.subarray(0, 2).toString("latin1"), "PK", "an xlsx is a zip");
    await p.locator("#county-enterprises-accounts-done").waitFor({ timeout: 10000 });
    const asCity = await apiAs("city");
    const events = await asCity("/audit?action=user.bulk_create");
    assert.ok(events.total >= 1, "the act is audited");
    await p.context().close();
  });

  await step("demo: city confirms a reading of the policy (待确认的政策解释) with its document number", async () => {
    const p = await newPage();
    await signIn(p, "city");
    await p.locator("#tab-interpretations").click();
    const item = p.locator("#interpretation-notice-min_days");
    await item.waitFor({ timeout: 10000 });
    await p.locator("#confirm-notice-min_days-document").fill("长工信会纪〔2026〕3号");
    await p.locator("#confirm-notice-min_days button[type=submit]").click();
    await item.locator(".badge.state-accepted").waitFor({ timeout: 10000 });
    await p.screenshot({ path: join(shots, "city-interpretations.png"), fullPage: true });
    const asCity = await apiAs("city");
    const list = await asCity("/policy/interpretations");
    const confirmed = list.items.find((i) => i.key === "notice.min_days");
    assert.equal(confirmed.confirmation.document_no, "长工信会纪〔2026〕3号");
    assert.ok(list.items.some((i) => i.confirmation === null), "other readings stay open");
    await p.context().close();
  });

  await step("demo: a provider lists a 小快轻准 product for review; an enterprise sees its industry's catalogue", async () => {
    const providerUser = first((a) => a.role === "provider" && !/suspended/.test(a.rest), "active provider");
    const p = await newPage();
    await signIn(p, providerUser);
    await p.locator("#product-form").waitFor({ timeout: 15000 });
    await p.locator("#product-name").fill("浏览器测试能耗监测轻应用");
    await p.locator("#product-summary").fill("设备联网与能耗看板,一周上线");
    await p.locator("#product-price").fill("18000.00");
    await p.locator("#product-submit").click();
    await p.locator("#provider-products-section tr", { hasText: "浏览器测试能耗监测轻应用" }).waitFor({ timeout: 10000 });
    await p.context().close();
    const e = await newPage();
    await signIn(e, applicant);
    await e.locator("#enterprise-catalogue-section").waitFor({ timeout: 15000 });
    await e.context().close();
  });

  await step("demo: an enterprise declares a cloud fee (R11) and sees what is left of its cap", async () => {
    const p = await newPage();
    await signIn(p, applicant);
    await p.locator("#enterprise-cloud").waitFor({ timeout: 15000 });
    await p.locator("#cf-amount").fill("1200.00");
    await p.locator("#cf-period").fill("2026-10");
    await p.locator("#cf-invoice").fill("YUN-UI-0001");
    await p.locator("#cf-submit").click();
    await p.locator("#cloud-fees-table tbody tr", { hasText: "YUN-UI-0001" }).waitFor({ timeout: 10000 });
    const fees = await asApplicant(`/enterprises/${me.enterprise_id}/cloud-fees`);
    assert.ok(JSON.stringify(fees).includes("YUN-UI-0001"), "the fee is recorded");
    await p.context().close();
  });

  await step("demo: a dashboard in English", async () => {
    const p = await newPage();
    await signIn(p, "city");
    await p.locator("#switch-lang").click();
    await expectTextOn(p, "#dashboard-city h1", "City industry bureau desk");
    await p.locator("#city-queue tbody tr").first().waitFor({ timeout: 10000 });
    await p.screenshot({ path: join(shots, "dashboard-city-english.png"), fullPage: true });
    await p.context().close();
  });

  await step("no errors in the browser console (demo)", async () => {
    assert.deepEqual(errors.filter((e) => !/status of 40[01]|status of 422/.test(e)), []);
  });
} finally {
  await browser.close();
  server.kill();
  demo.proc.kill();
  rmSync(data, { recursive: true, force: true });
  rmSync(demoData, { recursive: true, force: true });
}
console.log(failed ? "browser test FAILED" : `browser test passed; screenshots in ${shots}`);
process.exit(failed ? 1 : 0);
