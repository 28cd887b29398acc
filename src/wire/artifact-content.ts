import { z } from "@hono/zod-openapi";

/**
 * Typed content of each artifact type: what an agent publishes and a client renders. Each is a
 * named component, so the SDK has a type per shape.
 */
export const ARTIFACT_LIMITS = {
  /** The content as compact UTF-8 JSON. */
  maxContentBytes: 262_144,
  evidence: 20,
  recommendations: 10,
  sections: 50,
  sectionMarkdown: 100_000,
  widgets: 24,
  seriesPerWidget: 10,
  seriesPerChart: 20,
  pointsPerSeries: 1_000,
  columns: 50,
  rows: 1_000,
  cellText: 2_000,
  documentBody: 200_000,
} as const;

const L = ARTIFACT_LIMITS;

const withinSize = (content: unknown, ctx: z.RefinementCtx) => {
  const bytes = new TextEncoder().encode(JSON.stringify(content)).length;
  if (bytes > L.maxContentBytes) {
    ctx.addIssue({
      code: "custom",
      message: `Content is at most ${L.maxContentBytes} bytes of JSON; this is ${bytes}`,
    });
  }
};

const Text = (max: number) => z.string().min(1).max(max);
const Key = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.-]+$/, "Letters, digits, `_`, `.` and `-`");

/** Names must be unique within their list; a repeat is reported at its own index. */
const uniqueBy =
  <T>(name: string, keyOf: (item: T) => string) =>
  (items: T[], ctx: z.RefinementCtx) => {
    const seen = new Set<string>();
    items.forEach((item, index) => {
      const key = keyOf(item);
      if (seen.has(key)) ctx.addIssue({ code: "custom", message: `Repeats ${name} "${key}"`, path: [index, name] });
      seen.add(key);
    });
  };

export const DataSeriesSchema = z
  .strictObject({
    name: Text(100),
    points: z
      .array(
        z.strictObject({
          x: z
            .union([z.string().max(100), z.number()])
            .openapi({ description: "A category, a number or an ISO date." }),
          y: z.number().nullable().openapi({ description: "null: no value at this x." }),
        }),
      )
      .max(L.pointsPerSeries),
  })
  .openapi("DataSeries", { description: `A named series of up to ${L.pointsPerSeries} points.` });

export const InsightContentSchema = z
  .strictObject({
    claim: Text(2000).openapi({ description: "What the agent found, in one statement." }),
    confidence: z.number().min(0).max(1).openapi({ description: "How sure, from 0 to 1." }),
    evidence: z
      .array(
        z.strictObject({
          statement: Text(2000),
          source: z
            .strictObject({
              kind: z.enum(["message", "file", "url", "artifact"]),
              ref: Text(2048).openapi({ description: "A message, file or artifact id, or a URL." }),
            })
            .optional(),
        }),
      )
      .max(L.evidence),
    recommendations: z.array(Text(500)).max(L.recommendations).optional(),
  })
  .superRefine(withinSize)
  .openapi("InsightContent", {
    example: {
      claim: "Churn fell from 4.1% to 3.2% after the onboarding change.",
      confidence: 0.82,
      evidence: [{ statement: "Cohorts after 1 Sept retain 12% better.", source: { kind: "file", ref: "cmfile" } }],
    },
  });

export const ReportContentSchema = z
  .strictObject({
    sections: z
      .array(z.strictObject({ heading: Text(256), markdown: z.string().max(L.sectionMarkdown) }))
      .min(1)
      .max(L.sections),
  })
  .superRefine(withinSize)
  .openapi("ReportContent", {
    description: "Sections of Markdown under headings.",
    example: { sections: [{ heading: "Summary", markdown: "Churn **fell** in Q3." }] },
  });

export const DashboardContentSchema = z
  .strictObject({
    widgets: z
      .array(
        z.strictObject({
          id: Key,
          kind: z.enum(["metric", "line", "bar", "area", "pie", "table"]),
          title: Text(256),
          value: z.number().optional().openapi({ description: "The figure of a `metric` widget." }),
          unit: z.string().max(32).optional(),
          series: z.array(DataSeriesSchema).max(L.seriesPerWidget).optional(),
        }),
      )
      .min(1)
      .max(L.widgets)
      .superRefine(uniqueBy("id", (widget) => widget.id)),
  })
  .superRefine(withinSize)
  .openapi("DashboardContent", {
    description: "Widgets with their figures and data series.",
    example: {
      widgets: [
        { id: "churn", kind: "metric", title: "Churn", value: 3.2, unit: "%" },
        {
          id: "trend",
          kind: "line",
          title: "Monthly churn",
          series: [{ name: "2026", points: [{ x: "Jul", y: 4.1 }] }],
        },
      ],
    },
  });

const Cell = z.union([z.string().max(L.cellText), z.number(), z.boolean(), z.null()]);

export const TableContentSchema = z
  .strictObject({
    columns: z
      .array(z.strictObject({ key: Key, label: Text(256), type: z.enum(["string", "number", "boolean", "date"]) }))
      .min(1)
      .max(L.columns)
      .superRefine(uniqueBy("key", (column) => column.key)),
    rows: z.array(z.record(Key, Cell)).max(L.rows),
  })
  .superRefine((table, ctx) => {
    const keys = new Set(table.columns.map((column) => column.key));
    table.rows.forEach((row, index) => {
      for (const key of Object.keys(row)) {
        if (!keys.has(key))
          ctx.addIssue({ code: "custom", message: "Not one of the columns", path: ["rows", index, key] });
      }
    });
    withinSize(table, ctx);
  })
  .openapi("TableContent", {
    example: {
      columns: [
        { key: "month", label: "Month", type: "date" },
        { key: "churn", label: "Churn %", type: "number" },
      ],
      rows: [{ month: "2026-07-01", churn: 4.1 }],
    },
  });

export const ChartContentSchema = z
  .strictObject({
    chart_type: z.enum(["line", "bar", "area", "pie", "scatter"]),
    x_label: z.string().max(100).optional(),
    y_label: z.string().max(100).optional(),
    series: z.array(DataSeriesSchema).min(1).max(L.seriesPerChart),
  })
  .superRefine(withinSize)
  .openapi("ChartContent", {
    example: { chart_type: "bar", y_label: "%", series: [{ name: "churn", points: [{ x: "Q2", y: 4.1 }] }] },
  });

export const DocumentContentSchema = z
  .strictObject({
    format: z.enum(["markdown", "text"]),
    body: z.string().max(L.documentBody),
  })
  .superRefine(withinSize)
  .openapi("DocumentContent", { example: { format: "markdown", body: "# Plan\n\n1. Call Acme." } });

/** Each artifact type's content schema: the handler checks an update's content against its artifact's. */
export const CONTENT_BY_TYPE = {
  INSIGHT: InsightContentSchema,
  REPORT: ReportContentSchema,
  DASHBOARD: DashboardContentSchema,
  TABLE: TableContentSchema,
  CHART: ChartContentSchema,
  DOCUMENT: DocumentContentSchema,
} as const;

export type ArtifactTypeName = keyof typeof CONTENT_BY_TYPE;
