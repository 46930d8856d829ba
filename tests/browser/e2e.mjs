// End-to-end test of the frontend against the real binary on a fresh SQLite database:
// Debian's chromium (never a downloaded one) driven by playwright-core.
//
//   node e2e.mjs [path/to/dtpilot]     (frontend/dist must be built: cargo run -p xtask -- frontend)
//
// Screenshots go to target/browser-screenshots/.
import { chromium } from "playwright-core";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, existsSync } from "node:fs";
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

const server = spawn(binary, ["serve", ...db, "--bind", "127.0.0.1:0", "--static-dir", staticDir], {
  stdio: ["ignore", "pipe", "inherit"],
  env: { ...process.env, DTPILOT_LOG: process.env.DTPILOT_LOG ?? "error" },
});
const base = await new Promise((ok, fail) => {
  let out = "";
  server.stdout.on("data", (chunk) => {
    out += chunk;
    const m = out.match(/listening on (http:\/\/\S+)/);
    if (m) ok(m[1]);
  });
  server.on("exit", (code) => fail(new Error(`dtpilot exited with ${code}: ${out}`)));
  setTimeout(() => fail(new Error(`dtpilot did not start: ${out}`)), 30000);
});

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

try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  const shot = (name) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  const expectText = (selector, text) => page.locator(selector).filter({ hasText: text }).first().waitFor({ timeout: 10000 });

  await step("unknown non-API path gets the app; /api 404 stays problem+json", async () => {
    const spa = await page.request.get(`${base}/some/deep/link`);
    assert.equal(spa.status(), 200);
    assert.match(await spa.text(), /dtpilot_frontend\.js/);
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

  await step("login as admin → header with display name and role, account panel from /me", async () => {
    await page.locator("#password").fill("correct horse battery");
    await page.locator("#login-form button[type=submit]").click();
    await expectText("#user-display-name", "王管理员");
    assert.equal((await page.locator("#user-role").textContent()).trim(), "平台管理员");
    await expectText("#me", "admin");
    await expectText("#dashboard-later", "该角色的工作台将在后续版本提供");
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

  await step("no errors in the browser console", async () => {
    assert.deepEqual(errors.filter((e) => !/status of 40[01]|status of 422/.test(e)), []);
  });
} finally {
  await browser.close();
  server.kill();
  rmSync(data, { recursive: true, force: true });
}
console.log(failed ? "browser test FAILED" : `browser test passed; screenshots in ${shots}`);
process.exit(failed ? 1 : 0);
