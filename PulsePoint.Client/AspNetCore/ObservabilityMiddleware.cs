using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PulsePoint.Events;
using PulsePoint.Tenancy;

namespace PulsePoint.Client.AspNetCore;

/// <summary>
/// Times every request and records one <c>api.lifecycle</c> event for it (event type from the matched
/// route template, see <see cref="ApiRouteEventTypes"/>; HTTP status; duration; CPU time on Linux; request id
/// = the W3C trace id of the request's activity, which ASP.NET Core takes from an incoming
/// <c>traceparent</c>). An unhandled exception becomes a <c>system.error</c> event (ERROR, error code = the
/// exception's type) and a 500 RFC 7807 answer that carries no exception text, only the trace id and the
/// error event's id. Events are recorded only for requests with a tenant admitted by
/// <see cref="TenantResolutionMiddleware"/>; they are sent in the background after the response, so a
/// cluster outage is logged and never fails or slows the request.
/// </summary>
public sealed partial class ObservabilityMiddleware(
    RequestDelegate next, EventTracker tracker, IOptions<PulsePointObservabilityOptions> options, ILogger<ObservabilityMiddleware> logger)
{
    private const int MaxUserIdLength = 128;
    private const int MaxErrorCodeLength = 100;

    /// <summary>Handles one request.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        var settings = options.Value;
        if (settings.IgnoredPaths.Any(p => context.Request.Path.StartsWithSegments(p)))
        {
            await next(context);
            return;
        }

        var recorder = context.RequestServices.GetService(typeof(RequestEventRecorder)) as RequestEventRecorder
            ?? throw new InvalidOperationException("UsePulsePointObservability() needs AddPulsePointClient() or AddPulsePointEventTracking() at start-up.");
        var started = Stopwatch.GetTimestamp();
        var requestId = EventTracker.CurrentTraceId() ?? context.TraceIdentifier;
        var cpu = settings.MeasureCpuTime ? RequestCpuTime.Start() : null;
        Exception? failure = null;
        var aborted = false;
        try
        {
            await next(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer and nothing went wrong on our side.
            aborted = true;
        }
        catch (Exception e)
        {
            failure = e;
        }

        var cpuTime = cpu?.Stop();
        var duration = Stopwatch.GetElapsedTime(started);
        var tenant = context.Features.Get<TenantFeature>()?.Tenant;
        var errorEventId = EventIds.New();
        if (failure is not null)
        {
            LogUnhandled(logger, failure, context.Request.Method, RouteTemplate(context) ?? "(no route)", requestId);
            if (context.Response.HasStarted)
            {
                // Too late for a problem answer: let the server abort the response, but record first.
                Record(recorder, context, tenant, requestId, duration, cpuTime, StatusCodes.Status500InternalServerError, failure, errorEventId);
                ExceptionDispatchInfo.Throw(failure);
            }

            context.Response.Clear();
            await Results.Problem(
                title: "An unexpected error occurred",
                detail: "The error was recorded. Quote the trace id when you report it.",
                statusCode: StatusCodes.Status500InternalServerError,
                instance: context.Request.Path,
                extensions: tenant is null ? null : new Dictionary<string, object?> { ["errorId"] = errorEventId })
                .ExecuteAsync(context);
        }

        var status = aborted ? 499 : context.Response.StatusCode;
        Record(recorder, context, tenant, requestId, duration, cpuTime, status, failure, errorEventId);
    }

    private void Record(
        RequestEventRecorder recorder, HttpContext context, TenantId? tenant, string requestId, TimeSpan duration, TimeSpan? cpuTime,
        int status, Exception? failure, Guid errorEventId)
    {
        if (tenant is not { } admitted)
        {
            // No admitted tenant (anonymous path, or refused by the tenancy middleware): the event would belong to nobody.
            return;
        }

        try
        {
            var user = UserId(context);
            var request = tracker.ApiRequest(context.Request.Method, RouteTemplate(context), status, duration, cpuTime, admitted, user, Truncate(requestId, 128));
            if (failure is null)
            {
                recorder.Record(request);
                return;
            }

            var error = tracker.Error(
                Truncate(failure.GetType().FullName ?? failure.GetType().Name, MaxErrorCodeLength)!,
                Truncate(failure.Message.Replace('\0', ' '), StructuredEventValidator.MaxErrorMessageLength)!,
                EventSeverity.Error, EventTypes.SystemError, admitted, null, user, request.RequestId) with { EventId = errorEventId };
            recorder.Record(request, error);
        }
        catch (Exception e)
        {
            // Never fail the request for its record (e.g. an odd method name the validator refuses).
            LogNotBuilt(logger, e, context.Request.Method);
        }
    }

    /// <summary>The matched endpoint's route template (never the raw path); null when no route matched.</summary>
    private static string? RouteTemplate(HttpContext context) =>
        context.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } template } ? "/" + template.TrimStart('/') : null;

    private string? UserId(HttpContext context)
    {
        var user = context.User;
        var id = options.Value.UserIdClaimType is { } claim
            ? user.FindFirst(claim)?.Value
            : user.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? user.FindFirst("sub")?.Value ?? user.Identity?.Name;
        return Truncate(id, MaxUserIdLength);
    }

    private static string? Truncate(string? text, int max) => text is null || text.Length <= max ? text : text[..max];

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception in {Method} {Route} (trace {RequestId}); answered 500")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string route, string requestId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "PulsePoint could not build the request event of a {Method} request")]
    private static partial void LogNotBuilt(ILogger logger, Exception exception, string method);
}
