/** Capacity used of the total, drawn as a bar with the figures beside it. */
export function Bar({ label, used, total, unit }: { label: string; used: number; total: number; unit: string }) {
  const share = total > 0 ? Math.min(Math.max(used / total, 0), 1) : 0;
  return (
    <div class="bar-row" title={`${label}: ${used} of ${total} ${unit} used, ${total - used} free`}>
      <span class="bar-label">{label}</span>
      <span class="bar" role="meter" aria-label={label} aria-valuemin={0} aria-valuemax={total} aria-valuenow={used}>
        <span class={share > 0.9 ? 'fill full' : 'fill'} style={{ width: `${(share * 100).toFixed(1)}%` }} />
      </span>
      <span class="bar-figures">
        {used} / {total} {unit} · {total - used} free
      </span>
    </div>
  );
}
