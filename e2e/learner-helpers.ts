// Helpers the learner specs share: axe scans that fail on serious or critical violations, the
// terminal's visible text, and typing into it.
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

/** Runs axe on the page; lists serious and critical violations (none expected). */
export async function expectNoSeriousA11yViolations(page: Page, label: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${label}: ${v.id} (${v.impact}) ${v.help} -> ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ')}`);
  expect(serious, serious.join('\n')).toEqual([]);
}

/** The text on the visible terminal's screen. */
export async function terminalText(page: Page): Promise<string> {
  return page.locator('[role="tabpanel"]:not([hidden]) .xterm-rows').innerText();
}

/** Focuses the visible terminal and types into it (each "\n" presses Enter). */
export async function typeInTerminal(page: Page, text: string): Promise<void> {
  await page.locator('[role="tabpanel"]:not([hidden]) [data-testid="terminal"]').click();
  await page.keyboard.type(text);
}

/** Fails when the page scrolls sideways at the current viewport width. */
export async function expectNoHorizontalScroll(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

/** Waits until the visible terminal's shell is connected and answers a command. */
export async function waitForShell(page: Page, marker: string): Promise<void> {
  await expect(page.getByTestId('terminal-status').first()).toHaveAttribute('data-state', 'connected', { timeout: 180_000 });
  // The prompt's look is the toolbox's business: prove the shell answers instead.
  await expect(async () => {
    await typeInTerminal(page, `echo ${marker}-$((6*7))\n`);
    await expect.poll(() => terminalText(page), { timeout: 5_000 }).toContain(`${marker}-42`);
  }).toPass({ timeout: 60_000, intervals: [1_000, 3_000] });
}
