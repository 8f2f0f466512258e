namespace PulsePoint.Billing;

/// <summary>Whose spend a <see cref="SpendLimit"/> counts.</summary>
[GenerateSerializer, Alias("PulsePoint.SpendScope")]
public enum SpendScope
{
    /// <summary>All of the tenant's AI spend (subject: empty).</summary>
    Tenant = 0,

    /// <summary>One end user's: the AI events whose <c>user_id</c> is the subject.</summary>
    User = 1,

    /// <summary>One API key's: the AI events sent with that key (their <c>api_key_id</c> attribute is the key id).</summary>
    ApiKey = 2,

    /// <summary>One feature of the tenant's product: the AI events whose <c>feature</c> attribute is the subject.</summary>
    Feature = 3,
}
