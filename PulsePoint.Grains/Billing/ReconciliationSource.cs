namespace PulsePoint.Billing;

/// <summary>
/// One source <see cref="Reconciliation"/> compares with the ledger (the live counters, the warehouse): either
/// the source and what it is, or the reason it is not checked. A source that is not checked is named in the
/// report and is not drift: reconcile says what it could not see instead of guessing.
/// </summary>
/// <typeparam name="T">The reader of the source.</typeparam>
public sealed class ReconciliationSource<T>
    where T : class
{
    private ReconciliationSource(T? reader, string description)
    {
        Reader = reader;
        Description = description;
    }

    /// <summary>The reader, or null when the source is not checked.</summary>
    public T? Reader { get; }

    /// <summary>Where the values come from, or why they are not checked.</summary>
    public string Description { get; }

    /// <summary>True when the source is read.</summary>
    public bool IsChecked => Reader is not null;

    /// <summary>A source that is read through <paramref name="reader"/>; <paramref name="description"/> says where it is.</summary>
    public static ReconciliationSource<T> Of(T reader, string description) => new(reader ?? throw new ArgumentNullException(nameof(reader)), description);

    /// <summary>A source that is not checked, and <paramref name="reason"/> why.</summary>
    public static ReconciliationSource<T> NotChecked(string reason) => new(null, "not checked: " + reason);
}
