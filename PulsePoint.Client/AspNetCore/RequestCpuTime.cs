using System.Runtime.InteropServices;

namespace PulsePoint.Client.AspNetCore;

/// <summary>
/// CPU time of one asynchronous flow (an HTTP request), across every thread it runs on. An
/// <see cref="AsyncLocal{T}"/> with a change handler is told each time a thread enters or leaves the
/// flow's execution context; at each switch the thread's own CPU clock (Linux
/// <c>CLOCK_THREAD_CPUTIME_ID</c>) is read, and the time in between is added to the flow. So CPU burned by
/// other requests on the same threads is not counted, while continuations and <c>Task.Run</c> children
/// of the request are. Not counted: work the request hands to something that does not flow its execution
/// context (the Orleans client's networking, the silos, Kestrel's socket I/O). Elsewhere than Linux it
/// measures nothing (<see cref="IsSupported"/> false).
/// </summary>
internal sealed class RequestCpuTime
{
    private const int ClockThreadCpuTimeId = 3;

    private static readonly AsyncLocal<RequestCpuTime?> Current = new(OnContextChanged);

    [ThreadStatic]
    private static long t_enteredAtNs;

    private long _totalNs;

    public static bool IsSupported { get; } = OperatingSystem.IsLinux() && TryRead(out _);

    /// <summary>Starts measuring the current flow; null when unsupported.</summary>
    public static RequestCpuTime? Start()
    {
        if (!IsSupported)
        {
            return null;
        }

        var meter = new RequestCpuTime();
        Current.Value = meter;
        return meter;
    }

    /// <summary>Stops measuring (call from the flow that started it) and returns the CPU time so far.</summary>
    public TimeSpan Stop()
    {
        if (ReferenceEquals(Current.Value, this))
        {
            // Leaving the flow adds the open segment of this thread (see OnContextChanged).
            Current.Value = null;
        }

        return TimeSpan.FromTicks(Interlocked.Read(ref _totalNs) / 100);
    }

    private static void OnContextChanged(AsyncLocalValueChangedArgs<RequestCpuTime?> change)
    {
        if (ReferenceEquals(change.PreviousValue, change.CurrentValue) || !TryRead(out var now))
        {
            return;
        }

        if (change.PreviousValue is { } left && t_enteredAtNs > 0)
        {
            Interlocked.Add(ref left._totalNs, Math.Max(0, now - t_enteredAtNs));
        }

        t_enteredAtNs = change.CurrentValue is null ? 0 : now;
    }

    private static bool TryRead(out long nanoseconds)
    {
        nanoseconds = 0;
        try
        {
            if (clock_gettime(ClockThreadCpuTimeId, out var time) != 0)
            {
                return false;
            }

            nanoseconds = time.Seconds * 1_000_000_000L + time.Nanoseconds;
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

#pragma warning disable SYSLIB1054 // LibraryImport needs unsafe code; one blittable out-struct does not.
    [DllImport("libc", SetLastError = false)]
    private static extern int clock_gettime(int clockId, out TimeSpec time);
#pragma warning restore SYSLIB1054
}
