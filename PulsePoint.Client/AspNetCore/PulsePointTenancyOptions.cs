namespace PulsePoint.Client.AspNetCore;

/// <summary>How <see cref="TenantResolutionMiddleware"/> finds the tenant of an HTTP request.</summary>
public sealed class PulsePointTenancyOptions
{
    /// <summary>The claim of the authenticated user that carries the tenant id (default <c>tenant_id</c>).</summary>
    public string TenantClaimType { get; set; } = "tenant_id";

    /// <summary>
    /// A request header trusted to carry the tenant id, for internal callers only (e.g. <c>X-Tenant-Id</c>
    /// behind a gateway that strips it from outside traffic). Null (the default) ignores headers.
    /// </summary>
    public string? TrustedHeader { get; set; }

    /// <summary>Request paths that need no tenant (e.g. <c>/healthz</c>); matched as prefixes.</summary>
    public IList<string> AnonymousPaths { get; } = ["/healthz", "/readyz"];
}
