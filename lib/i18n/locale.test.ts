import { describe, expect, it } from 'vitest';
import { catalogues } from '../../messages';
import { format, plural } from './format';
import { negotiateLocale, parseAcceptLanguage } from './locale';

describe('negotiateLocale', () => {
  it('prefers the remembered choice over the browser', () => {
    expect(negotiateLocale('zh-CN', 'en-US,en;q=0.9')).toBe('zh-CN');
    expect(negotiateLocale('en', 'zh-CN,zh;q=0.9')).toBe('en');
  });

  it('ignores a cookie that is not a supported locale', () => {
    expect(negotiateLocale('fr', 'zh-TW')).toBe('zh-CN');
    expect(negotiateLocale('../../etc', undefined)).toBe('en');
  });

  it('follows Accept-Language by quality, then by order', () => {
    expect(negotiateLocale(undefined, 'fr-FR,zh;q=0.8,en;q=0.7')).toBe('zh-CN');
    expect(negotiateLocale(undefined, 'en;q=0.5,zh-Hans-CN;q=0.9')).toBe('zh-CN');
    expect(negotiateLocale(undefined, 'de,en-GB;q=0.9,zh;q=0.9')).toBe('en');
    expect(negotiateLocale(undefined, 'zh;q=0,en;q=0.1')).toBe('en');
  });

  it('falls back to English', () => {
    expect(negotiateLocale(undefined, undefined)).toBe('en');
    expect(negotiateLocale(undefined, '')).toBe('en');
    expect(negotiateLocale(undefined, 'ja,*;q=0.1')).toBe('en');
    expect(negotiateLocale(undefined, ';;;,q=abc')).toBe('en');
  });

  it('parses the header into tags by preference', () => {
    expect(parseAcceptLanguage('zh-CN,zh;q=0.9,en;q=0.8,*;q=0.1')).toEqual(['zh-CN', 'zh', 'en']);
  });
});

describe('messages', () => {
  it('fills {variables} and leaves unknown ones visible', () => {
    expect(format('Signed in as {name}', { name: 'Lin' })).toBe('Signed in as Lin');
    expect(format('{a} {b}', { a: 1 })).toBe('1 {b}');
  });

  it('chooses plural forms per locale', () => {
    expect(plural('en', catalogues.en.home.lessons, 1)).toBe('1 lesson');
    expect(plural('en', catalogues.en.home.lessons, 3)).toBe('3 lessons');
    expect(plural('zh-CN', catalogues['zh-CN'].home.lessons, 1)).toBe('1 节课');
    expect(plural('en', catalogues.en.admin.usersCount, 1200)).toBe('1,200 users');
  });

  it('both catalogues use the same {variables} in every message', () => {
    const leaves = (o: object, prefix = ''): [string, string][] =>
      Object.entries(o).flatMap(([k, v]) => (typeof v === 'string' ? [[prefix + k, v]] : leaves(v as object, `${prefix}${k}.`)));
    const variablesOf = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    const zh = new Map(leaves(catalogues['zh-CN']));
    for (const [key, text] of leaves(catalogues.en)) {
      expect(variablesOf(zh.get(key) ?? ''), key).toEqual(variablesOf(text));
    }
  });
});
