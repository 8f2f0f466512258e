namespace PulsePoint.Storage;

/// <summary>The configured application role could bypass row-level security; the silo must not start.</summary>
public sealed class UnsafeDatabaseRoleException(string message) : Exception(message);
