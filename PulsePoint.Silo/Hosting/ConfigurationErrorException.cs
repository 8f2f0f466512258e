namespace PulsePoint.Silo.Hosting;

/// <summary>Configuration is invalid; the message is one line a person can act on.</summary>
public sealed class ConfigurationErrorException(string message) : Exception(message);
