namespace PulsePoint.Tests.Destinations;

/// <summary>Response bodies in the shapes of Google's BigQuery v2 REST reference.</summary>
public static class BigQueryWireFormat
{
    public const string Project = "pulsepoint-test";

    public const string Root = "/bigquery/v2/projects/" + Project;

    public static string Dataset(string datasetId) => $$"""
        {"kind": "bigquery#dataset", "etag": "abc==", "id": "{{Project}}:{{datasetId}}",
         "datasetReference": {"datasetId": "{{datasetId}}", "projectId": "{{Project}}"}, "location": "US",
         "creationTime": "1764158400000", "lastModifiedTime": "1764158400000", "type": "DEFAULT"}
        """;

    public static string Table(string datasetId) => $$"""
        {"kind": "bigquery#table", "id": "{{Project}}:{{datasetId}}.observability_events",
         "tableReference": {"projectId": "{{Project}}", "datasetId": "{{datasetId}}", "tableId": "observability_events"},
         "timePartitioning": {"type": "DAY", "field": "timestamp", "expirationMs": "220924800000"},
         "clustering": {"fields": ["category", "event_type", "ai_model"]}, "numRows": "0", "type": "TABLE", "location": "US"}
        """;

    public const string InsertAllOk = """{"kind": "bigquery#tableDataInsertAllResponse"}""";

    public static string InsertErrors(params (int Index, string Reason, string Location, string Message)[] errors) =>
        "{\"kind\": \"bigquery#tableDataInsertAllResponse\", \"insertErrors\": [" +
        string.Join(", ", errors.Select(e =>
            $$$"""{"index": {{{e.Index}}}, "errors": [{"reason": "{{{e.Reason}}}", "location": "{{{e.Location}}}", "debugInfo": "", "message": "{{{e.Message}}}"}]}""")) +
        "]}";

    public static string Error(int code, string reason, string status, string message) => $$$"""
        {"error": {"code": {{{code}}}, "message": "{{{message}}}",
         "errors": [{"message": "{{{message}}}", "domain": "global", "reason": "{{{reason}}}"}], "status": "{{{status}}}"}}
        """;

    public const string ProxyBadGateway = "<html><head><title>502 Bad Gateway</title></head><body>Bad Gateway</body></html>";

    public const string QueryRunning = """
        {"kind": "bigquery#queryResponse",
         "jobReference": {"projectId": "pulsepoint-test", "jobId": "job_Xk2-9a", "location": "US"},
         "jobComplete": false}
        """;

    public const string ResultsStillRunning = """
        {"kind": "bigquery#getQueryResultsResponse", "etag": "e1",
         "jobReference": {"projectId": "pulsepoint-test", "jobId": "job_Xk2-9a", "location": "US"},
         "jobComplete": false}
        """;

    public const string ResultsFirstPage = """
        {"kind": "bigquery#getQueryResultsResponse", "etag": "e2",
         "schema": {"fields": [
            {"name": "day", "type": "DATE", "mode": "NULLABLE"},
            {"name": "ai_model", "type": "STRING", "mode": "NULLABLE"},
            {"name": "tokens", "type": "INTEGER", "mode": "NULLABLE"}]},
         "jobReference": {"projectId": "pulsepoint-test", "jobId": "job_Xk2-9a", "location": "US"},
         "totalRows": "3", "pageToken": "BHLQ2FQ/AAAAAA==",
         "rows": [
            {"f": [{"v": "2026-11-25"}, {"v": "claude-3-sonnet"}, {"v": "1500"}]},
            {"f": [{"v": "2026-11-25"}, {"v": null}, {"v": "7"}]}],
         "totalBytesProcessed": "1024", "jobComplete": true, "cacheHit": false}
        """;

    public const string ResultsLastPage = """
        {"kind": "bigquery#getQueryResultsResponse", "etag": "e3",
         "schema": {"fields": [
            {"name": "day", "type": "DATE", "mode": "NULLABLE"},
            {"name": "ai_model", "type": "STRING", "mode": "NULLABLE"},
            {"name": "tokens", "type": "INTEGER", "mode": "NULLABLE"}]},
         "jobReference": {"projectId": "pulsepoint-test", "jobId": "job_Xk2-9a", "location": "US"},
         "totalRows": "3",
         "rows": [{"f": [{"v": "2026-11-26"}, {"v": "gpt-4o"}, {"v": "42"}]}],
         "totalBytesProcessed": "1024", "jobComplete": true, "cacheHit": false}
        """;
}
