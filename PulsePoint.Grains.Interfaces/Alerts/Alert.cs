using PulsePoint.Events;

namespace PulsePoint.Alerts;

/// <summary>
/// One alert raised for a tenant, as it is recorded (table <c>alerts</c>) and sent to each of its channels.
/// </summary>
/// <param name="Id">Derived from what the alert is about (tenant, day, kind, subject), so raising it again records nothing new.</param>
/// <param name="Kind">One of <see cref="AlertKinds"/>.</param>
/// <param name="Day">The UTC day the alert is about.</param>
/// <param name="Severity">WARNING, or ERROR for a threshold of 100 % and above and for an exhausted budget; INFO for a resolution.</param>
/// <param name="RaisedAt">When it was raised.</param>
/// <param name="Summary">One line for people (the Slack text, the mail subject's end, the webhook's <c>summary</c>).</param>
/// <param name="Details">The figures as exact text, e.g. <c>spend_usd</c>, <c>threshold_usd</c>, <c>model</c>.</param>
/// <param name="Resolves">For <see cref="AlertKinds.Resolved"/>: the ids of the alerts it resolves; otherwise empty.</param>
[GenerateSerializer, Immutable, Alias("PulsePoint.Alert")]
public sealed record Alert(
    Guid Id,
    string Kind,
    DateOnly Day,
    EventSeverity Severity,
    DateTimeOffset RaisedAt,
    string Summary,
    EventAttributes Details,
    IReadOnlyList<Guid> Resolves);
