using System.CommandLine;

namespace PulsePoint.Silo.Cli;

/// <summary>
/// <c>prices import|list|override</c>: the pricing catalog (docs/billing.md#pricing). Import and override write as the
/// owner role (<c>PulsePoint:Database:Owner</c>); list reads as the application role. Needs PostgreSQL only: running
/// silos pick changes up within <c>PulsePoint:Billing:PricingRefreshPeriod</c>.
/// </summary>
public static class PricesCommand
{
    public static Command Create()
    {
        var command = new Command("prices", "the pricing catalog: import a LiteLLM or PulsePoint price file, list the prices in force, set a tenant's negotiated prices; see docs/billing.md")
        {
            PricesImportVerb.Create(),
            PricesListVerb.Create(),
            PricesOverrideVerb.Create(),
        };
        return command;
    }

    /// <summary>Runs a prices verb from its arguments as a list (tests and scripts): the same as <c>PulsePoint.Silo prices ...</c>.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error) =>
        SiloCommandLine.RunAsync(["prices", .. args], output, error);

    /// <summary>Settings (<c>--Section:Key=Value</c>) are unmatched tokens: a sub-verb lets them through like a verb does.</summary>
    internal static Command Accepting(this Command command)
    {
        command.TreatUnmatchedTokensAsErrors = false;
        return command;
    }
}
