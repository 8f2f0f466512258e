using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Options;
using Npgsql;
using PulsePoint.Billing;
using PulsePoint.Silo.Hosting;
using PulsePoint.Storage;
using PulsePoint.Tenancy;

namespace PulsePoint.Silo.Cli;

/// <summary>
/// <c>prices override set|list|remove --tenant ID</c>: a tenant's negotiated prices (<c>tenant_model_prices</c>). For
/// that tenant's events an override in force at the event's time wins over every catalog layer. <c>set</c> takes the
/// rates (<c>--input</c>, <c>--output</c>, …) or <c>--discount PERCENT</c> off the catalog price in force at
/// <c>--effective-from</c>, tiers included; a discounted rate must stay exact to six decimals per million tokens or
/// the verb refuses it. Writes run as the owner role under the tenant's RLS context.
/// </summary>
public static class PricesOverrideVerb
{
    public static Command Create()
    {
        var command = new Command("override", "a tenant's negotiated prices, which win over the catalog for that tenant's events");
        command.Subcommands.Add(SetCommand());
        command.Subcommands.Add(ListCommand());
        command.Subcommands.Add(RemoveCommand());
        return command.Accepting();
    }

    private static Command SetCommand()
    {
        var tenant = VerbOptions.Tenant("the tenant", required: true);
        var model = new Option<string>("--model") { Description = "the model, as events name it", HelpName = "NAME", Required = true };
        var from = VerbOptions.Instant("--effective-from", "when the negotiated price starts (UTC)", required: true);
        var discount = new Option<decimal?>("--discount")
        {
            Description = "percent off the catalog price in force at --effective-from, every rate and tier (instead of the rates below)",
            HelpName = "PERCENT",
            CustomParser = result => decimal.TryParse(result.Tokens.Single().Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var p) && p is > 0 and < 100
                ? p
                : Fail(result, "--discount must be a percentage above 0 and below 100, like 15 or 12.5"),
        };
        var input = VerbOptions.Price("--input", "USD per million input tokens", required: false);
        var output = VerbOptions.Price("--output", "USD per million output tokens", required: false);
        var cacheRead = VerbOptions.Price("--cache-read", "USD per million cache-read tokens (absent: unknown, such tokens are unpriced)", required: false);
        var cacheWrite = VerbOptions.Price("--cache-write", "USD per million cache-write tokens (absent: unknown, such tokens are unpriced)", required: false);
        var reasoning = VerbOptions.Price("--reasoning", "USD per million reasoning tokens (absent: the output rate)", required: false);
        var note = new Option<string?>("--note") { Description = "the agreement this price comes from, e.g. a contract reference", HelpName = "TEXT" };
        var command = new Command("set", "sets a tenant's negotiated price for one model (needs PulsePoint:Database:Owner)")
        {
            tenant, model, from, discount, input, output, cacheRead, cacheWrite, reasoning, note,
        }.Accepting();
        command.SetAction(async (result, cancellationToken) =>
        {
            var configuration = VerbConfiguration.From(result);
            var database = ValidatedOptions.Bind<DatabaseOptions>(configuration, DatabaseOptions.Section);
            var id = result.GetValue(tenant)!.Value;
            var name = result.GetValue(model)!.Trim();
            var at = result.GetValue(from)!.Value;
            ModelPrice price;
            if (result.GetValue(discount) is { } percent)
            {
                if (new[] { input, output, cacheRead, cacheWrite, reasoning }.Any(o => result.GetResult(o) is not null))
                {
                    throw new VerbUsageException("give either --discount or the rates (--input, --output, ...), not both");
                }

                var billing = ValidatedOptions.Bind<BillingOptions>(configuration, BillingOptions.Section);
                await using var sources = new DataSources(Options.Create(database));
                var table = await ModelPriceTable.ListAsync(sources.Application, cancellationToken);
                var catalog = new PricingCatalog(PricingFile.Default, billing.Pricing.Select(p => p.ToPrice("config")), table.Select(t => t.Price));
                var list = catalog.Find(name, at) ?? throw new VerbUsageException($"the catalog has no price for '{name}' at {at:yyyy-MM-dd'T'HH:mm:ss'Z'} to discount; give the rates instead");
                price = Discounted(list, percent, at);
            }
            else
            {
                if (result.GetValue(input) is not { } inputRate || result.GetValue(output) is not { } outputRate)
                {
                    throw new VerbUsageException("give --input and --output (USD per million tokens), or --discount");
                }

                price = new ModelPrice(name, at, inputRate, outputRate, result.GetValue(cacheRead), result.GetValue(cacheWrite), "tenant", result.GetValue(reasoning));
            }

            var setting = ModelPriceSetting.Of(price);
            if (setting.Problem() is { } problem)
            {
                throw new VerbUsageException($"negotiated price for '{name}': {problem}");
            }

            if (string.IsNullOrWhiteSpace(database.Owner))
            {
                throw new ConfigurationErrorException("prices override set needs PulsePoint:Database:Owner (only the owner role writes negotiated prices)");
            }

            await using var owner = Owner(database);
            try
            {
                await ModelPriceTable.SetTenantAsync(VerbConfiguration.TenantDatabase(owner, database), id, price, result.GetValue(note), cancellationToken);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
            {
                throw new VerbUsageException($"tenant {id} does not exist");
            }

            await result.InvocationConfiguration.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"tenant {id}: {name} from {at:yyyy-MM-dd'T'HH:mm:ss'Z'} at input {price.InputPerMTok:0.######}, output {price.OutputPerMTok:0.######}"
                + $"{(price.Source is { } s ? $" ({s})" : "")}; silos use it within PulsePoint:Billing:PricingRefreshPeriod"));
            return 0;
        });
        return command;
    }

    private static Command ListCommand()
    {
        var tenant = VerbOptions.Tenant("the tenant", required: true);
        var command = new Command("list", "a tenant's negotiated prices") { tenant }.Accepting();
        command.SetAction((result, cancellationToken) => PricesListVerb.RunAsync(
            null, result.GetValue(tenant), "table", VerbConfiguration.From(result), result.InvocationConfiguration.Output, cancellationToken, negotiatedOnly: true));
        return command;
    }

    private static Command RemoveCommand()
    {
        var tenant = VerbOptions.Tenant("the tenant", required: true);
        var model = new Option<string>("--model") { Description = "the model whose negotiated prices end", HelpName = "NAME", Required = true };
        var command = new Command("remove", "removes a tenant's negotiated prices for one model: its next events are priced from the catalog (needs PulsePoint:Database:Owner)")
        {
            tenant, model,
        }.Accepting();
        command.SetAction(async (result, cancellationToken) =>
        {
            var database = ValidatedOptions.Bind<DatabaseOptions>(VerbConfiguration.From(result), DatabaseOptions.Section);
            if (string.IsNullOrWhiteSpace(database.Owner))
            {
                throw new ConfigurationErrorException("prices override remove needs PulsePoint:Database:Owner");
            }

            await using var owner = Owner(database);
            var id = result.GetValue(tenant)!.Value;
            var removed = await ModelPriceTable.RemoveTenantAsync(VerbConfiguration.TenantDatabase(owner, database), id, result.GetValue(model)!, cancellationToken);
            if (removed == 0)
            {
                throw new VerbUsageException($"tenant {id} has no negotiated price for '{result.GetValue(model)}'");
            }

            await result.InvocationConfiguration.Output.WriteLineAsync($"tenant {id}: {removed} negotiated price(s) for {result.GetValue(model)} removed; billed already stays billed");
            return 0;
        });
        return command;
    }

    /// <summary>
    /// <paramref name="list"/> with <paramref name="percent"/> off every rate and tier. Refused when a discounted rate would
    /// need more than six decimals (money would no longer be exact): the operator then gives the rates.
    /// </summary>
    internal static ModelPrice Discounted(ModelPrice list, decimal percent, DateTimeOffset from)
    {
        var factor = (100m - percent) / 100m;
        decimal Rate(decimal rate, string field)
        {
            var discounted = rate * factor;
            return decimal.Round(discounted, ModelPriceSetting.MaxPriceDecimals) == discounted
                ? discounted
                : throw new VerbUsageException(string.Create(CultureInfo.InvariantCulture,
                    $"{percent}% off {field} {rate} is {discounted}, more than {ModelPriceSetting.MaxPriceDecimals} decimals per million tokens; give the rates instead"));
        }

        decimal? Optional(decimal? rate, string field) => rate is { } r ? Rate(r, field) : null;
        return new ModelPrice(
            list.Model, from, Rate(list.InputPerMTok, "input"), Rate(list.OutputPerMTok, "output"),
            Optional(list.CacheReadPerMTok, "cache-read"), Optional(list.CacheWritePerMTok, "cache-write"), "tenant",
            Optional(list.ReasoningPerMTok, "reasoning"),
            list.TierList.Select(t => new PriceTier(
                t.AboveInputTokens, Rate(t.InputPerMTok, $"tier >{t.AboveInputTokens} input"), Rate(t.OutputPerMTok, $"tier >{t.AboveInputTokens} output"),
                Optional(t.CacheReadPerMTok, $"tier >{t.AboveInputTokens} cache-read"), Optional(t.CacheWritePerMTok, $"tier >{t.AboveInputTokens} cache-write"),
                Optional(t.ReasoningPerMTok, $"tier >{t.AboveInputTokens} reasoning"))).ToArray(),
            string.Create(CultureInfo.InvariantCulture, $"{percent}% off {list.Version}"));
    }

    private static decimal? Fail(System.CommandLine.Parsing.ArgumentResult result, string message)
    {
        result.AddError(message);
        return null;
    }

    private static Npgsql.NpgsqlDataSource Owner(DatabaseOptions database) =>
        DataSources.Create(database.Owner, "PulsePoint:Database:Owner (only the owner role writes negotiated prices)");
}
