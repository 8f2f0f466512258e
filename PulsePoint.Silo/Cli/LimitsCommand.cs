using System.CommandLine;
using Microsoft.Extensions.Options;
using PulsePoint.Billing;
using PulsePoint.Silo.Hosting;
using PulsePoint.Storage;
using PulsePoint.Tenancy;

namespace PulsePoint.Silo.Cli;

/// <summary>
/// <c>limits set|list|remove|time-zone --tenant ID</c>: a tenant's spend limits (docs/billing.md#spend-limits) —
/// budgets per day or month and rate limits per minute, for the tenant, a user, an API key or a feature. Writes as the
/// application role under the tenant's RLS context; running silos pick changes up within
/// <c>PulsePoint:Tenancy:RefreshPeriod</c> (at once through <c>ITenantBillingAdminGrain</c>).
/// </summary>
public static class LimitsCommand
{
    public static Command Create() => new Command("limits", "a tenant's spend limits: budgets per day or month and rate limits per minute, per tenant, user, API key or feature; see docs/billing.md")
    {
        SetCommand(),
        ListCommand(),
        RemoveCommand(),
        TimeZoneCommand(),
    }.Accepting();

    /// <summary>Runs a limits verb from its arguments as a list (tests and scripts): the same as <c>PulsePoint.Silo limits ...</c>.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error) =>
        SiloCommandLine.RunAsync(["limits", .. args], output, error);

    private static Command SetCommand()
    {
        var (tenant, scope, subject, period) = Keys();
        var usd = VerbOptions.Usd("--usd", "the most USD the period may count");
        var tokens = VerbOptions.Count("--tokens", "the most tokens a minute may count (rate limits only)", "tokens");
        var command = new Command("set", "adds or replaces the limit of one scope, subject and period") { tenant, scope, subject, period, usd, tokens }.Accepting();
        command.SetAction(async (result, cancellationToken) =>
        {
            var limit = Limit(result, scope, subject, period, result.GetValue(usd), result.GetValue(tokens));
            if (SpendLimits.Problem(limit) is { } problem)
            {
                throw new VerbUsageException($"limits set: {problem}");
            }

            var id = result.GetValue(tenant)!.Value;
            await RunAsync(result, id, store => store.SetAsync(id, limit, cancellationToken));
            await result.InvocationConfiguration.Output.WriteLineAsync($"tenant {id}: {limit}; silos use it within PulsePoint:Tenancy:RefreshPeriod");
            return 0;
        });
        return command;
    }

    private static Command ListCommand()
    {
        var tenant = VerbOptions.Tenant("the tenant", required: true);
        var command = new Command("list", "the tenant's time zone and spend limits") { tenant }.Accepting();
        command.SetAction(async (result, cancellationToken) =>
        {
            var id = result.GetValue(tenant)!.Value;
            (string TimeZone, IReadOnlyList<SpendLimit> Limits)? listed = null;
            await RunAsync(result, id, async store => listed = await store.ListAsync(id, cancellationToken));
            if (listed is not { } found)
            {
                throw new VerbUsageException($"tenant {id} does not exist");
            }

            var output = result.InvocationConfiguration.Output;
            await output.WriteLineAsync($"tenant {id}: time zone {found.TimeZone}, {found.Limits.Count} spend limit(s)");
            foreach (var limit in found.Limits)
            {
                await output.WriteLineAsync($"  {limit}");
            }

            return 0;
        });
        return command;
    }

    private static Command RemoveCommand()
    {
        var (tenant, scope, subject, period) = Keys();
        var command = new Command("remove", "removes the limit of one scope, subject and period") { tenant, scope, subject, period }.Accepting();
        command.SetAction(async (result, cancellationToken) =>
        {
            var limit = Limit(result, scope, subject, period, null, null);
            var id = result.GetValue(tenant)!.Value;
            var removed = false;
            await RunAsync(result, id, async store => removed = await store.RemoveAsync(id, limit.Scope, limit.Subject, limit.Period, cancellationToken));
            if (!removed)
            {
                throw new VerbUsageException($"tenant {id} has no such limit");
            }

            await result.InvocationConfiguration.Output.WriteLineAsync($"tenant {id}: the {SpendLimits.ScopeName(limit.Scope)} limit per {SpendLimits.PeriodName(limit.Period)} removed");
            return 0;
        });
        return command;
    }

    private static Command TimeZoneCommand()
    {
        var tenant = VerbOptions.Tenant("the tenant", required: true);
        var zone = new Option<string>("--zone") { Description = "an IANA time zone such as Europe/Berlin or UTC", HelpName = "ZONE", Required = true };
        var command = new Command("time-zone", "sets the time zone whose days and months the tenant's limits count in") { tenant, zone }.Accepting();
        command.SetAction(async (result, cancellationToken) =>
        {
            var id = result.GetValue(tenant)!.Value;
            await RunAsync(result, id, store => store.SetTimeZoneAsync(id, result.GetValue(zone)!, cancellationToken));
            await result.InvocationConfiguration.Output.WriteLineAsync($"tenant {id}: spend limits count days and months in {result.GetValue(zone)}");
            return 0;
        });
        return command;
    }

    private static (Option<TenantId?> Tenant, Option<string> Scope, Option<string?> Subject, Option<string> Period) Keys() =>
    (
        VerbOptions.Tenant("the tenant", required: true),
        VerbOptions.OneOf("--scope", "whose spend the limit counts", "tenant", "user", "api_key", "feature"),
        new Option<string?>("--subject") { Description = "the user id, API key id or feature; * for each one without a limit of its own (not for --scope tenant)", HelpName = "ID" },
        VerbOptions.OneOf("--period", "day or month (a budget in the tenant's time zone) or minute (a sliding rate limit)", "day", "month", "minute")
    );

    private static SpendLimit Limit(ParseResult result, Option<string> scope, Option<string?> subject, Option<string> period, decimal? usd, long? tokens)
    {
        SpendLimits.TryParseScope(result.GetValue(scope), out var parsedScope);
        SpendLimits.TryParsePeriod(result.GetValue(period), out var parsedPeriod);
        var who = result.GetValue(subject);
        if (parsedScope == SpendScope.Tenant ? who is not null : string.IsNullOrEmpty(who))
        {
            throw new VerbUsageException(parsedScope == SpendScope.Tenant ? "--scope tenant takes no --subject" : $"--scope {result.GetValue(scope)} needs --subject (an id, or * for each)");
        }

        return new SpendLimit(parsedScope, who ?? "", parsedPeriod, usd, tokens);
    }

    private static async Task RunAsync(ParseResult result, TenantId tenant, Func<SpendLimitStore, Task> work)
    {
        var database = ValidatedOptions.Bind<DatabaseOptions>(VerbConfiguration.From(result), DatabaseOptions.Section);
        await using var sources = new DataSources(Options.Create(database));
        try
        {
            await work(new SpendLimitStore(VerbConfiguration.TenantDatabase(sources.Application, database)));
        }
        catch (TenantNotFoundException)
        {
            throw new VerbUsageException($"tenant {tenant} does not exist");
        }
        catch (ArgumentException e)
        {
            throw new VerbUsageException(e.Reason());
        }
    }
}
