namespace PulsePoint.Events;

/// <summary>What an event is about; routes it to subscribers and reports. Wire names: see <see cref="EventNames"/>.</summary>
[GenerateSerializer, Alias("PulsePoint.EventCategory")]
public enum EventCategory
{
    /// <summary><c>api.lifecycle</c>: request/response flow.</summary>
    ApiLifecycle = 1,

    /// <summary><c>user.interaction</c>: user actions.</summary>
    UserInteraction = 2,

    /// <summary><c>ai.operations</c>: model calls.</summary>
    AiOperations = 3,

    /// <summary><c>data.sync</c>: background jobs.</summary>
    DataSync = 4,

    /// <summary><c>security</c>: authentication and authorization events.</summary>
    Security = 5,

    /// <summary><c>system</c>: errors and warnings.</summary>
    System = 6,

    /// <summary><c>billing</c>: token usage and cost.</summary>
    Billing = 7,
}
