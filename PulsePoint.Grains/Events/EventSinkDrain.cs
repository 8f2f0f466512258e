using System.Collections.Concurrent;

namespace PulsePoint.Events;

/// <summary>
/// Tells this silo's event sinks that the silo is stopping, at the start of shutdown (the stop of stage
/// <see cref="ServiceLifecycleStage.Active"/>, before Orleans deactivates grains). Deactivation itself is
/// too late: Orleans first waits for running calls, and a buffered append is a running call that would
/// wait out the flush delay. Draining sinks flush at once and keep doing so until they deactivate.
/// </summary>
internal sealed class EventSinkDrain : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly ConcurrentDictionary<object, Action> _sinks = new();
    private volatile bool _stopping;

    /// <summary>True once the silo has begun to stop.</summary>
    public bool Stopping => _stopping;

    /// <summary>Registers <paramref name="drain"/> (thread-safe) until the returned handle is disposed.</summary>
    public IDisposable Register(object sink, Action drain)
    {
        _sinks[sink] = drain;
        return new Registration(this, sink);
    }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(EventSinkDrain), ServiceLifecycleStage.Active, _ => Task.CompletedTask, StopAsync);

    private Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        foreach (var drain in _sinks.Values)
        {
            drain();
        }

        return Task.CompletedTask;
    }

    private sealed class Registration(EventSinkDrain owner, object sink) : IDisposable
    {
        public void Dispose() => owner._sinks.TryRemove(sink, out _);
    }
}
