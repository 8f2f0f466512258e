namespace PulsePoint.Tenancy;

/// <summary>An operation needed an existing tenant and there is none with the given id.</summary>
[GenerateSerializer, Alias("PulsePoint.TenantNotFoundException")]
public sealed class TenantNotFoundException : InvalidOperationException
{
    /// <summary>Creates the exception with a message that says what was wrong.</summary>
    public TenantNotFoundException(string message) : base(message)
    {
    }
}
