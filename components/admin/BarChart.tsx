// A horizontal bar chart drawn as plain server-rendered SVG, with the same figures in a table.
//
// Why no chart library: the admins' charts are two static shapes (a funnel and paired bars per
// exercise), rendered on the server for pages that stay server components. The well-kept
// libraries weigh more than that problem: Recharts (~100 kB gzip, renders in the browser and
// measures with ResizeObserver, so no server markup without a fixed size), Chart.js (canvas:
// no server rendering, nothing for a screen reader), ECharts (SVG server rendering, but ~300 kB
// and its own accessibility layer), visx (modular and small, yet its scales and shapes are
// what the code below does in a few lines). SVG from the server ships no JavaScript at all,
// prints, zooms, follows the page's fonts (CJK included) and is described to assistive tech
// by the <title>/<desc> and by the table behind every chart.
//
// Not colour alone: every bar carries its value as text at its end, series differ by fill
// pattern (solid / hatched) as well as colour, and the legend shows the pattern.

export interface BarSeries {
  key: string;
  label: string;
  /** 'solid' or 'hatched': the series' look without colour. */
  pattern: 'solid' | 'hatched';
}

export interface BarGroup {
  label: string;
  /** One value per series (null: no data, drawn as an em dash). */
  values: (number | null)[];
}

export interface BarChartProps {
  id: string;
  title: string;
  description: string;
  series: BarSeries[];
  groups: BarGroup[];
  /** Formats a value for the bar's label and the table. */
  format: (value: number) => string;
  /** The table's heading for the row labels. */
  rowHeader: string;
  showTableLabel: string;
}

const LABEL_WIDTH = 220;
const BAR_AREA = 420;
const VALUE_GAP = 8;
const BAR_HEIGHT = 16;
const ROW_GAP = 10;
const COLOURS = ['#2356c9', '#9a4b00'];

function truncate(text: string, max = 30): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function BarChart({ id, title, description, series, groups, format, rowHeader, showTableLabel }: BarChartProps) {
  const max = Math.max(1, ...groups.flatMap((g) => g.values.map((v) => v ?? 0)));
  const rowHeight = series.length * BAR_HEIGHT + ROW_GAP;
  const legendHeight = series.length > 1 ? 28 : 0;
  const height = legendHeight + groups.length * rowHeight + 4;
  const width = LABEL_WIDTH + BAR_AREA + 90;
  return (
    <figure className="chart" aria-labelledby={`${id}-caption`}>
      <figcaption id={`${id}-caption`} className="chart-caption">
        {title}
      </figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-labelledby={`${id}-title ${id}-desc`} className="chart-svg">
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{description}</desc>
        <defs>
          {series.map((s, i) => (
            <pattern key={s.key} id={`${id}-hatch-${i}`} patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)">
              <rect width="6" height="6" fill="#fff" />
              <line x1="0" y1="0" x2="0" y2="6" stroke={COLOURS[i % COLOURS.length]} strokeWidth="3" />
            </pattern>
          ))}
        </defs>
        {series.length > 1
          ? series.map((s, i) => (
              <g key={s.key} transform={`translate(${LABEL_WIDTH + i * 170}, 4)`}>
                <rect width="14" height="14" fill={s.pattern === 'hatched' ? `url(#${id}-hatch-${i})` : COLOURS[i % COLOURS.length]} stroke={COLOURS[i % COLOURS.length]} />
                <text x="20" y="12" className="chart-text">
                  {s.label}
                </text>
              </g>
            ))
          : null}
        {groups.map((g, row) => {
          const y = legendHeight + row * rowHeight;
          return (
            <g key={`${g.label}-${row}`}>
              <text x={LABEL_WIDTH - 8} y={y + (series.length * BAR_HEIGHT) / 2 + 4} textAnchor="end" className="chart-text">
                {truncate(g.label)}
              </text>
              {g.values.map((v, i) => {
                const w = v === null ? 0 : Math.max(v > 0 ? 2 : 0, (v / max) * BAR_AREA);
                const colour = COLOURS[i % COLOURS.length];
                const fill = series[i]?.pattern === 'hatched' ? `url(#${id}-hatch-${i})` : colour;
                return (
                  <g key={i}>
                    <rect x={LABEL_WIDTH} y={y + i * BAR_HEIGHT} width={w} height={BAR_HEIGHT - 3} fill={fill} stroke={colour} />
                    <text x={LABEL_WIDTH + w + VALUE_GAP} y={y + i * BAR_HEIGHT + BAR_HEIGHT - 5} className="chart-text chart-value">
                      {v === null ? '—' : format(v)}
                    </text>
                  </g>
                );
              })}
            </g>
          );
        })}
      </svg>
      <details className="chart-table">
        <summary>{showTableLabel}</summary>
        <div className="table-wrap">
          <table>
            <caption>{title}</caption>
            <thead>
              <tr>
                <th scope="col">{rowHeader}</th>
                {series.map((s) => (
                  <th key={s.key} scope="col">
                    {s.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {groups.map((g, row) => (
                <tr key={`${g.label}-${row}`}>
                  <th scope="row">{g.label}</th>
                  {g.values.map((v, i) => (
                    <td key={i}>{v === null ? '—' : format(v)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
