namespace PulsePoint.Tenancy;

/// <summary>What PulsePoint knows about a tenant id.</summary>
[GenerateSerializer, Alias("PulsePoint.TenantStatus")]
public enum TenantStatus
{
    /// <summary>No tenant has this id.</summary>
    NotFound = 0,

    /// <summary>The tenant exists and may use the system.</summary>
    Active = 1,

    /// <summary>The tenant exists but has been deactivated; its calls are refused.</summary>
    Inactive = 2,
}
