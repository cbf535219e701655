// Two operators in two browser contexts see each other's actions live, within a second.
import { resolve } from "node:path";
import { expect, test } from "@playwright/test";
import { Agent } from "../support/agent-process";
import { RunPage } from "../support/run-page";

const SHOTS = resolve(import.meta.dirname, "../screenshots");
const agent = new Agent({ adminPassword: "live-admin-pw" });

test.beforeAll(async () => {
  await agent.start();
  const admin = await agent.client("admin", "live-admin-pw");
  await agent.seedProfile(admin);
  await admin.addUser("ann", "operator", "ann-operator-pw");
  await admin.addUser("bob", "operator", "bob-operator-pw");
});
test.afterAll(async () => {
  await agent.stop();
});

test("two browser contexts see each other's actions within a second", async ({ browser }) => {
  const ctxA = await browser.newContext();
  const ctxB = await browser.newContext();
  const a = new RunPage(await ctxA.newPage(), agent.url);
  const b = new RunPage(await ctxB.newPage(), agent.url);
  await a.signIn("ann", "ann-operator-pw");
  await b.signIn("bob", "bob-operator-pw");
  await a.open();
  await b.open();
  await expect(a.connection()).toHaveAttribute("data-status", "open");
  await expect(b.connection()).toHaveAttribute("data-status", "open");
  await b.expectState("os3", "defined");

  // ann starts os3: bob's page leaves "not started" within a second
  await a.start("os3");
  await expect(b.state("os3")).not.toHaveAttribute("data-state", "defined", { timeout: 1000 });
  await b.expectState("os3", "running");
  await expect(b.phase("os3", "running")).toHaveAttribute("data-status", "done");
  await b.page.screenshot({ path: `${SHOTS}/live-bob-sees-ann.png`, fullPage: true });

  // bob stops it: ann's page shows it stopping within a second
  await b.stop("os3");
  await expect(a.state("os3")).toHaveAttribute("data-state", /stopping|stopped/, { timeout: 1000 });
  await a.expectState("os3", "stopped");
  await ctxA.close();
  await ctxB.close();
});
