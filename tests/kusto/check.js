// Static KQL check with Microsoft's Kusto language service (@kusto/language-service-next).
// stdin:  {"databases": {"<db>": {"<Table>": {"<Column>": "<kusto scalar type>", ...}, ...}, ...},
//          "externalTables": {"<db>": {"<Table>": {"<Column>": "<type>", ...}}} (optional: ADX external tables),
//          "queries": {"<name>": {"text": "<KQL>", "database": "<db>"}, ...}, "columns": <bool, optional>}
// stdout: {"<name>": [{"severity", "code", "message", "start", "length"}, ...], ...}
//         with "columns": true instead {"<name>": [["<column>", "<kusto type>"], ...], ...}: the query's
//         result schema as the service infers it (KustoCode.ResultType).
// One process checks every query: loading the service costs more than all the checks together.
'use strict';
require('@kusto/language-service-next/bridge.js');
require('@kusto/language-service-next/Kusto.Language.Bridge.js');

const K = Kusto.Language;
const S = K.Symbols;

function readStdin() {
  const chunks = [];
  const fd = 0;
  const buf = Buffer.alloc(1 << 16);
  for (;;) {
    let n;
    try { n = require('fs').readSync(fd, buf, 0, buf.length, null); } catch (e) {
      if (e.code === 'EAGAIN') continue;
      if (e.code === 'EOF') break;
      throw e;
    }
    if (n === 0) break;
    chunks.push(Buffer.from(buf.subarray(0, n)));
  }
  return Buffer.concat(chunks).toString('utf8');
}

function columnsOf(table, columns) {
  return Object.entries(columns).map(([col, type]) => {
    const scalar = S.ScalarTypes.GetSymbol(type);
    if (!scalar) throw new Error(`${table}.${col}: unknown Kusto type '${type}'`);
    return new S.ColumnSymbol(col, scalar);
  });
}

function globals(databases, externals) {
  const out = {};
  for (const name of Object.keys(externals)) if (!databases[name]) databases[name] = {};
  for (const [dbName, tables] of Object.entries(databases)) {
    const symbols = Object.entries(tables).map(([table, columns]) =>
      new S.TableSymbol.$ctor4(table, columnsOf(table, columns)));
    for (const [table, columns] of Object.entries(externals[dbName] || {})) {
      symbols.push(new S.ExternalTableSymbol.$ctor1(table, columnsOf(table, columns)));
    }
    const db = new S.DatabaseSymbol.$ctor1(dbName, symbols, false);
    out[dbName] = K.GlobalState.Default.WithDatabase(db);
  }
  return out;
}

const input = JSON.parse(readStdin());
const states = globals(input.databases, input.externalTables || {});
const result = {};
for (const [name, q] of Object.entries(input.queries)) {
  const gs = states[q.database];
  if (!gs) throw new Error(`query ${name}: unknown database '${q.database}'`);
  const code = K.KustoCode.ParseAndAnalyze(q.text, gs);
  if (input.columns) {
    const rt = code.ResultType;
    const cols = [];
    if (rt && rt.Columns) {
      for (let i = 0; i < rt.Columns.Count; i++) {
        const c = rt.Columns.getItem(i);
        cols.push([String(c.Name), String(c.Type.Name)]);
      }
    }
    result[name] = cols;
    continue;
  }
  const diags = code.GetDiagnostics();
  const list = [];
  for (let i = 0; i < diags.Count; i++) {
    const d = diags.getItem(i);
    list.push({ severity: String(d.Severity), code: String(d.Code), message: String(d.Message),
                start: d.Start, length: d.Length });
  }
  result[name] = list;
}
process.stdout.write(JSON.stringify(result));
