namespace PulsePoint.Tenancy;

/// <summary>
/// Silo-side guard: a call to a method of a tenant-keyed grain interface is admitted only when the
/// caller's tenant (from <c>RequestContext</c>, validated) is the tenant in the grain's key. Calls
/// with no caller tenant are refused too: fail closed.
/// </summary>
internal sealed class TenantCallFilter : IIncomingGrainCallFilter
{
    public Task Invoke(IIncomingGrainCallContext context)
    {
        var declaring = context.InterfaceMethod?.DeclaringType;
        TenantId? owner = null;
        if (declaring is not null && typeof(ITenantKeyedGrain).IsAssignableFrom(declaring))
        {
            owner = TryTenant(context.TargetId.GetGuidKey());
        }
        else if (declaring is not null && typeof(ITenantScopedGrain).IsAssignableFrom(declaring))
        {
            context.TargetId.GetGuidKey(out var extension);
            owner = TenantId.TryParse(extension, out var id) ? id : null;
        }
        else
        {
            return context.Invoke();
        }

        var caller = CallerTenant.Current;
        if (caller is null)
        {
            throw new TenantMismatchException(
                $"{declaring.Name}.{context.InterfaceMethod!.Name} needs the caller's tenant; call it inside a tenant scope.");
        }

        if (owner != caller)
        {
            throw new TenantMismatchException(
                $"{declaring.Name}.{context.InterfaceMethod!.Name} refused: the grain does not belong to the caller's tenant {caller}.");
        }

        return context.Invoke();
    }

    private static TenantId? TryTenant(Guid key) => key == Guid.Empty ? null : new TenantId(key);
}
