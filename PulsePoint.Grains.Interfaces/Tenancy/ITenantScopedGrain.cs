namespace PulsePoint.Tenancy;

/// <summary>
/// Marks a grain keyed by (entity GUID, tenant id as key extension). The silo's call filter admits a
/// call only when the caller's tenant equals the key extension, so a grain identity always carries
/// its tenant and one tenant can never address another's entity.
/// </summary>
public interface ITenantScopedGrain : IGrainWithGuidCompoundKey
{
}
