using PulsePoint.Tenancy;

namespace PulsePoint.Alerts;

/// <summary>One attempt to come: an alert of a tenant, the channel it goes to, and the delivery's idempotency id.</summary>
public sealed record AlertDelivery(TenantId Tenant, Guid DeliveryId, Alert Alert, AlertChannel Channel, int Attempt);
