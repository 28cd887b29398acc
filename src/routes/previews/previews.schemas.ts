import { envelope } from "../../schemas/common";
import { FilePreviewSchema, PreviewPendingSchema } from "../../wire/previews";

export const FilePreviewResponse = envelope(FilePreviewSchema, "FilePreviewResponse", {
  kind: "csv",
  columns: ["month", "churn"],
  row_count: 12,
  excerpt: "month,churn\n2026-01,4.1",
  truncated: true,
});
export const PreviewPendingResponse = envelope(PreviewPendingSchema, "FilePreviewPendingResponse", {
  status: "PENDING",
  retry_after: 2,
});
