namespace PulsePoint.Tenancy;

/// <summary>
/// Marks a grain whose GUID primary key is the tenant id. The silo's call filter admits a call only
/// when the caller's tenant (carried in <c>RequestContext</c>) equals the key.
/// </summary>
public interface ITenantKeyedGrain : IGrainWithGuidKey
{
}
