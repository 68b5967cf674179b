import { describe, expect, it } from 'vitest';
import { decide, homeFor, safeNextPath, type Area } from './authz-policy';
import { ROLES, type Role } from './roles';

const who = (role: Role, disabled = false) => ({ id: 'u1', role, disabled });

describe('decide', () => {
  it('matches the role table', () => {
    const table: Record<Role, Record<Area, string>> = {
      learner: { learning: 'allow', authoring: 'forbidden', administration: 'forbidden' },
      instructor: { learning: 'allow', authoring: 'allow', administration: 'forbidden' },
      admin: { learning: 'allow', authoring: 'allow', administration: 'allow' },
    };
    for (const role of ROLES) {
      for (const area of Object.keys(table[role]) as Area[]) {
        expect(decide(who(role), area), `${role} -> ${area}`).toBe(table[role][area]);
      }
    }
  });

  it('accepts an explicit list of roles', () => {
    expect(decide(who('instructor'), ['admin'])).toBe('forbidden');
    expect(decide(who('instructor'), ['learner', 'instructor'])).toBe('allow');
    expect(decide(who('admin'), [])).toBe('forbidden');
  });

  it('treats nobody and disabled accounts as signed out, whatever their role', () => {
    expect(decide(null, 'learning')).toBe('unauthenticated');
    expect(decide(who('admin', true), 'administration')).toBe('unauthenticated');
    expect(decide(who('learner', true), 'learning')).toBe('unauthenticated');
  });
});

describe('sign-in destinations', () => {
  it('sends each role to its area', () => {
    expect(homeFor('admin')).toBe('/admin');
    expect(homeFor('instructor')).toBe('/instructor');
    expect(homeFor('learner')).toBe('/');
  });

  it('accepts only same-site paths', () => {
    expect(safeNextPath('/courses/pods?x=1')).toBe('/courses/pods?x=1');
    for (const bad of ['https://evil.test/', '//evil.test', '/\\evil.test', 'javascript:alert(1)', '', '/a\nb', 42, undefined]) {
      expect(safeNextPath(bad), String(bad)).toBeUndefined();
    }
  });
});
