import { diffLines } from 'diff';

export function pretty(doc: unknown): string {
  return doc === undefined ? '' : JSON.stringify(doc, null, 2) + '\n';
}

/** A line diff of two documents: removed lines red with '-', added green with '+'. */
export function DiffView({ before, after }: { before: unknown; after: unknown }) {
  const parts = diffLines(pretty(before), pretty(after));
  const changed = parts.some((p) => p.added || p.removed);
  return (
    <div data-testid="diff">
      {!changed && <p>Nothing changes: the new document equals the current version.</p>}
      <pre style={{ maxHeight: 420, overflow: 'auto', background: '#fafafa', padding: 12, fontSize: 12 }}>
        {parts.flatMap((part, i) =>
          part.value
            .replace(/\n$/, '')
            .split('\n')
            .map((line, j) => (
              <div
                key={`${i}-${j}`}
                className={part.added ? 'diff-added' : part.removed ? 'diff-removed' : undefined}
                style={{
                  background: part.added ? '#f6ffed' : part.removed ? '#fff1f0' : undefined,
                  color: part.added ? '#237804' : part.removed ? '#a8071a' : undefined,
                }}
              >
                {part.added ? '+ ' : part.removed ? '- ' : '  '}
                {line}
              </div>
            )),
        )}
      </pre>
    </div>
  );
}
