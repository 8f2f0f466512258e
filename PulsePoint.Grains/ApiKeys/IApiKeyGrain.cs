using Orleans.Concurrency;
using PulsePoint.Operators;

namespace PulsePoint.ApiKeys;

/// <summary>
/// The single owner of one API key's state (key: the key's public id with its prefix, <see cref="ApiKeyId.ToString"/>).
/// It reads PostgreSQL once on activation and answers from memory, so checking a key costs no database round trip;
/// a revocation goes through it (PostgreSQL and memory together), so the next request anywhere in the cluster is
/// refused. A timer re-reads the row for out-of-band edits and writes the last-used time, coarsely. An operator interface:
/// the silo's HTTP host checks keys through it (behind its per-address failure limit) and its admin endpoints and the
/// <c>keys</c> verb revoke through it; a backend service's client cannot call it.
/// </summary>
[Alias("PulsePoint.IApiKeyGrain")]
public interface IApiKeyGrain : IOperatorGrain, IGrainWithStringKey
{
    /// <summary>
    /// The key's grant when <paramref name="secret"/> is its secret (compared with the stored hash in constant time)
    /// and the key is neither revoked nor expired; null otherwise, the same for every reason.
    /// </summary>
    [ReadOnly, Alias("Verify")]
    Task<ApiKeyGrant?> VerifyAsync(string secret);

    /// <summary>
    /// Revokes the key in PostgreSQL and memory together; false when there is no such key. A tenant's key is revoked
    /// only for a caller inside that tenant's scope (<c>RequestContext</c>); for any other caller it answers false, as
    /// for an unknown key.
    /// </summary>
    [Alias("Revoke")]
    Task<bool> RevokeAsync();

    /// <summary>Re-reads the key from PostgreSQL now (the timer does this periodically).</summary>
    [Alias("Refresh")]
    Task RefreshAsync();
}
