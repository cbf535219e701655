// Page object for the run view (and the sign-in it needs). Locators use data-testid `area.thing`.
import { expect, type Locator, type Page } from "@playwright/test";

export class RunPage {
  constructor(
    readonly page: Page,
    readonly base: string,
  ) {}

  async signIn(name: string, password: string) {
    await this.page.goto(this.base + "/");
    await this.page.getByTestId("login.username").fill(name);
    await this.page.getByTestId("login.password").fill(password);
    await this.page.getByTestId("login.submit").click();
    await expect(this.page.getByTestId("app.user")).toContainText(name);
  }

  /**
   * Signs in with a password someone else set (the agent's printed one-time password, an
   * admin's): the console asks for a new one first, then opens.
   */
  async signInFirstTime(name: string, given: string, chosen: string) {
    await this.page.goto(this.base + "/");
    await this.page.getByTestId("login.username").fill(name);
    await this.page.getByTestId("login.password").fill(given);
    await this.page.getByTestId("login.submit").click();
    await expect(this.page.getByRole("heading", { name: "Choose a new password" })).toBeVisible();
    await this.page.getByTestId("password.current").fill(given);
    await this.page.getByTestId("password.new").fill(chosen);
    await this.page.getByTestId("password.repeat").fill(chosen);
    await this.page.getByTestId("password.submit").click();
    await expect(this.page.getByTestId("app.user")).toContainText(name);
  }

  async open() {
    await this.page.getByTestId("tabs.run").click();
    await expect(this.page.getByTestId("run.view")).toBeVisible();
  }

  instance(name: string): Locator {
    return this.page.getByTestId(`run.instance-${name}`);
  }
  state(name: string): Locator {
    return this.page.getByTestId(`run.state-${name}`);
  }
  phase(name: string, phase: string): Locator {
    return this.page.getByTestId(`run.phase-${name}-${phase}`);
  }
  reason(name: string): Locator {
    return this.page.getByTestId(`run.reason-${name}`);
  }
  log(name: string): Locator {
    return this.page.getByTestId(`run.log-${name}`);
  }
  button(action: "start" | "stop" | "force-stop", name: string): Locator {
    return this.page.getByTestId(`run.${action}-${name}`);
  }
  startAllButton(): Locator {
    return this.page.getByTestId("run.start-all");
  }
  banner(): Locator {
    return this.page.getByTestId("run.dry-run-banner");
  }
  connection(): Locator {
    return this.page.getByTestId("run.connection");
  }
  confirmBody(): Locator {
    return this.page.getByTestId("confirm.body");
  }

  async expectState(name: string, state: string, timeout = 15_000) {
    await expect(this.state(name)).toHaveAttribute("data-state", state, { timeout });
  }

  async start(name: string) {
    await this.button("start", name).click();
  }
  /** Clicks Stop (or Force stop), checks the dialog says what will happen, confirms. */
  async stop(name: string, force = false) {
    await this.button(force ? "force-stop" : "stop", name).click();
    await expect(this.confirmBody()).toContainText(
      force ? "without a shutdown" : "shut down cleanly",
    );
    await this.page.getByTestId("confirm.ok").click();
  }
  async startAll() {
    await this.startAllButton().click();
    await expect(this.confirmBody()).toContainText("one after another");
    await this.page.getByTestId("confirm.ok").click();
  }
}
