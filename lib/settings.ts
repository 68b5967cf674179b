// Platform settings an admin changes at run time. The environment gives the initial value;
// once an admin has set one, the stored value wins.
import type { Db } from './db';

const SIGNUP_OPEN = 'signup.open';

export async function isSignupOpen(db: Db, initial: boolean): Promise<boolean> {
  const row = await db.setting.findUnique({ where: { key: SIGNUP_OPEN } });
  return row ? row.value === 'true' : initial;
}

export async function setSignupOpen(db: Db, open: boolean): Promise<void> {
  const value = open ? 'true' : 'false';
  await db.setting.upsert({ where: { key: SIGNUP_OPEN }, create: { key: SIGNUP_OPEN, value }, update: { value } });
}
