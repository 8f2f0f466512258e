using PulsePoint.Tenancy;

namespace PulsePoint.Client.AspNetCore;

/// <summary>The validated, active tenant of the current HTTP request, set by <see cref="TenantResolutionMiddleware"/>.</summary>
/// <param name="Tenant">The tenant.</param>
public sealed record TenantFeature(TenantId Tenant);
