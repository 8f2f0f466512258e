using PulsePoint.Tenancy;

namespace PulsePoint.Client;

/// <summary>
/// Copies the ambient <see cref="TenantScope"/> into the outgoing call's <c>RequestContext</c>, where the
/// silo's call filter checks it against the target grain's key. Outside a scope nothing is added, and
/// calls to tenant-keyed grains are then refused by the silo.
/// </summary>
public sealed class TenantPropagationFilter : IOutgoingGrainCallFilter
{
    /// <inheritdoc />
    public Task Invoke(IOutgoingGrainCallContext context)
    {
        if (TenantScope.Current is { } tenant)
        {
            CallerTenant.Set(tenant);
        }
        else
        {
            CallerTenant.Clear();
        }

        return context.Invoke();
    }
}
