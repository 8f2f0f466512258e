namespace PulsePoint.Alerts;

/// <summary>A channel to add is incomplete or malformed; the message names the field.</summary>
[GenerateSerializer, Alias("PulsePoint.InvalidAlertChannelException")]
public sealed class InvalidAlertChannelException : Exception
{
    /// <summary>Creates the exception with a message that names the field and what it needs.</summary>
    public InvalidAlertChannelException(string message) : base(message)
    {
    }
}
