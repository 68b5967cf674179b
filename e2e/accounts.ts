// The seeded accounts the platform was started with, and helpers every spec shares.
import { expect, type Page } from '@playwright/test';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: the e2e run needs the seeded accounts the platform was started with`);
  return value;
}

export const admin = { email: required('KUBELAB_ADMIN_EMAIL'), password: required('KUBELAB_ADMIN_PASSWORD') };
export const instructor = { email: required('KUBELAB_INSTRUCTOR_EMAIL'), password: required('KUBELAB_INSTRUCTOR_PASSWORD') };

/** A fresh address per call, so specs never collide with earlier runs against the same database. */
export function uniqueEmail(prefix: string): string {
  return `${prefix}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@e2e.kubelab.test`;
}

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  if (!page.url().includes('/sign-in')) await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('link', { name: 'Sign in', exact: true }).first()).toBeVisible();
}

export async function signUp(page: Page, name: string, email: string, password: string): Promise<void> {
  await page.goto('/sign-up');
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
}
