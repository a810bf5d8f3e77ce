/**
 * Sums a V8 heap snapshot's self sizes by node type and constructor (diagnostic for issue 14):
 *   node --import tsx scripts/bench/heap-summary.ts A.heapsnapshot [B.heapsnapshot]
 * With two snapshots it prints B − A per group (what the extra live workflows hold), largest first.
 */
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Bytes by "type: name" ("type" alone for code, strings and V8 internals). */
export function summarize(path: string): Map<string, { bytes: number; count: number }> {
  const s = JSON.parse(readFileSync(path, 'utf8')) as Snapshot;
  const f = s.snapshot.meta.node_fields;
  const types = s.snapshot.meta.node_types[0];
  const width = f.length;
  const [iType, iName, iSize] = [f.indexOf('type'), f.indexOf('name'), f.indexOf('self_size')];
  const out = new Map<string, { bytes: number; count: number }>();
  for (let n = 0; n < s.nodes.length; n += width) {
    const type = types[s.nodes[n + iType]!]!;
    const named = type === 'object' || type === 'closure' || type === 'native';
    const key = named ? `${type}: ${s.strings[s.nodes[n + iName]!]!.slice(0, 60)}` : type;
    const e = out.get(key) ?? { bytes: 0, count: 0 };
    e.bytes += s.nodes[n + iSize]!;
    e.count += 1;
    out.set(key, e);
  }
  return out;
}

function main(): void {
  const [a, b] = process.argv.slice(2);
  if (!a) throw new Error('usage: heap-summary A.heapsnapshot [B.heapsnapshot]');
  const before = summarize(a);
  const after = b ? summarize(b) : undefined;
  const rows = [...(after ?? before).keys()]
    .map((k) => {
      const x = (after ?? before).get(k)!;
      const y = after ? (before.get(k) ?? { bytes: 0, count: 0 }) : { bytes: 0, count: 0 };
      return { k, bytes: x.bytes - y.bytes, count: x.count - y.count };
    })
    .sort((p, q) => q.bytes - p.bytes);
  const total = rows.reduce((t, r) => t + r.bytes, 0);
  console.log(`total ${(total / 1024 / 1024).toFixed(1)} MiB`);
  for (const r of rows.slice(0, 30))
    console.log(`${(r.bytes / 1024 / 1024).toFixed(2).padStart(8)} MiB ${String(r.count).padStart(9)}  ${r.k}`);
}

main();
