namespace PulsePoint.Silo.Cli;

/// <summary>
/// The arguments of a verb make no sense together (a range that ends before it starts, a tenant that does not exist):
/// exit code 2, with the message as one line on stderr. Problems with one option alone are parse errors instead.
/// </summary>
public sealed class VerbUsageException(string message) : Exception(message);
