using Microsoft.AspNetCore.Mvc;

namespace PulsePoint.Silo.HttpApi;

/// <summary>RFC 7807 problem details, the HTTP API's error body (<c>application/problem+json</c>).</summary>
public static class Problems
{
    /// <summary>A problem result with <paramref name="status"/>, a short title and a detail that says what to change.</summary>
    public static IResult Of(int status, string title, string detail) =>
        Results.Problem(new ProblemDetails { Status = status, Title = title, Detail = detail });

    /// <summary>Writes the problem straight to the response (authentication challenges, limiter rejections).</summary>
    public static Task Write(HttpContext http, int status, string title, string detail) =>
        Of(status, title, detail).ExecuteAsync(http);

    /// <summary>A 429 with Retry-After in whole seconds (at least 1).</summary>
    public static IResult TooMany(HttpContext http, TimeSpan retryAfter, string detail)
    {
        http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Of(StatusCodes.Status429TooManyRequests, "Rate limit exceeded", detail);
    }
}
