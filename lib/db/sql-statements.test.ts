import { describe, expect, it } from 'vitest';
import { splitStatements } from './sql-statements';

describe('splitStatements', () => {
  it('never splits inside a quoted string or identifier', () => {
    expect(splitStatements(`INSERT INTO "a;\nb" VALUES ('x;\ny', 'it''s;\n', E'\\';\n');\nSELECT 1;`)).toEqual([
      `INSERT INTO "a;\nb" VALUES ('x;\ny', 'it''s;\n', E'\\';\n')`,
      'SELECT 1',
    ]);
  });

  it('never splits inside a dollar-quoted function body, tagged or not', () => {
    const fn = 'CREATE FUNCTION f() RETURNS int AS $$\nBEGIN\n  RETURN 1;\nEND;\n$$ LANGUAGE plpgsql';
    const tagged = "CREATE FUNCTION g() RETURNS text AS $body$ SELECT 'a;'; $body$ LANGUAGE sql";
    expect(splitStatements(`${fn};\n${tagged};\nSELECT $1;`)).toEqual([fn, tagged, 'SELECT $1']);
  });

  it('keeps a SQLite trigger body (BEGIN … END, with CASE inside) in one statement', () => {
    const trigger = 'CREATE TRIGGER t AFTER UPDATE ON a BEGIN\n  UPDATE a SET n = CASE WHEN n > 1 THEN 0 ELSE n + 1 END;\n  DELETE FROM b;\nEND';
    expect(splitStatements(`${trigger};\nBEGIN;\nCOMMIT;`)).toEqual([trigger, 'BEGIN', 'COMMIT']);
  });

  it('drops comments outside bodies, keeps what looks like one inside them', () => {
    expect(splitStatements("-- a; b\n/* c; /* nested; */ d; */\nSELECT '-- kept;' -- gone;\n;")).toEqual(["SELECT '-- kept;'"]);
  });
});
