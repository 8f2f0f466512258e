using System.Net;
using System.Text.Json;

namespace PulsePoint.Destinations;

/// <summary>
/// The error body Google's REST APIs return: <c>{"error": {"code", "message", "status", "errors": [{"reason"}]}}</c>.
/// Retry decisions read <see cref="Status"/> (Pub/Sub) or <see cref="Reasons"/> (BigQuery) from it, since
/// the HTTP code alone is coarser; when the body is not that JSON (a proxy's page), the code is mapped.
/// </summary>
internal sealed record GoogleApiError(int HttpStatus, string Status, string Message, IReadOnlyList<string> Reasons)
{
    public static async Task<GoogleApiError> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var code = (int)response.StatusCode;
        string body;
        try
        {
            body = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (HttpRequestException)
        {
            body = "";
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("error", out var error)
                && error.ValueKind == JsonValueKind.Object)
            {
                var status = error.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : StatusOf(response.StatusCode);
                var message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : response.ReasonPhrase ?? "";
                var reasons = new List<string>();
                if (error.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
                {
                    foreach (var item in errors.EnumerateArray())
                    {
                        if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String)
                        {
                            reasons.Add(r.GetString()!);
                        }
                    }
                }

                return new GoogleApiError(code, status, message, reasons);
            }
        }
        catch (JsonException)
        {
            // Not Google's error JSON: fall back to the HTTP code below.
        }

        return new GoogleApiError(code, StatusOf(response.StatusCode), $"HTTP {code} {response.ReasonPhrase}", []);
    }

    /// <summary>The canonical status Google maps to an HTTP code (google.rpc.Code).</summary>
    public static string StatusOf(HttpStatusCode code) => (int)code switch
    {
        400 => "INVALID_ARGUMENT",
        401 => "UNAUTHENTICATED",
        403 => "PERMISSION_DENIED",
        404 => "NOT_FOUND",
        409 => "ABORTED",
        429 => "RESOURCE_EXHAUSTED",
        499 => "CANCELLED",
        500 => "INTERNAL",
        501 => "UNIMPLEMENTED",
        502 or 503 => "UNAVAILABLE",
        504 => "DEADLINE_EXCEEDED",
        _ => "UNKNOWN",
    };
}
