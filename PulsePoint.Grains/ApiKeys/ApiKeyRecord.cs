namespace PulsePoint.ApiKeys;

/// <summary>A key's row: what is listed, plus the hash its grain compares secrets with.</summary>
internal sealed record ApiKeyRecord(ApiKeyInfo Info, byte[] SecretHash);
