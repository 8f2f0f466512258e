using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using PulsePoint.ApiKeys;
using PulsePoint.Silo.Hosting;
using PulsePoint.Storage;

namespace PulsePoint.Silo.Cli;

/// <summary><c>keys list</c>: a tenant's keys (under row-level security) or the operator keys, oldest first, without secrets.</summary>
public static class KeysListVerb
{
    public static async Task<int> RunAsync(KeysArguments args, TextWriter output)
    {
        var database = ValidatedOptions.Bind<DatabaseOptions>(args.Configuration(), DatabaseOptions.Section);
        await using var sources = new DataSources(Options.Create(database));
        var store = new ApiKeyStore(sources, VerbConfiguration.TenantDatabase(sources.Application, database), TimeProvider.System);
        var keys = args.Operator ? await store.ListOperatorKeysAsync() : await store.ListTenantKeysAsync(args.Tenant!.Value);
        await output.WriteAsync(Render(keys, DateTimeOffset.UtcNow));
        return 0;
    }

    /// <summary>An aligned table: id, state, scopes, name and the four times.</summary>
    public static string Render(IReadOnlyList<ApiKeyInfo> keys, DateTimeOffset now)
    {
        if (keys.Count == 0)
        {
            return "no keys" + Environment.NewLine;
        }

        var rows = new List<string[]> { new[] { "key_id", "state", "scopes", "name", "created", "expires", "revoked", "last_used" } };
        rows.AddRange(keys.Select(k => new[]
        {
            k.Key.ToString(),
            k.RevokedAt is not null ? "revoked" : k.IsUsableAt(now) ? "active" : "expired",
            k.Scopes == ApiKeyScopes.None ? "operator" : string.Join(",", ApiKeyScopeNames.Of(k.Scopes)),
            k.Name ?? "",
            Time(k.CreatedAt), Time(k.ExpiresAt), Time(k.RevokedAt), Time(k.LastUsedAt),
        }));
        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in rows)
        {
            text.AppendLine(string.Join("  ", row.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd());
        }

        return text.ToString();
    }

    private static string Time(DateTimeOffset? at) => at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "-";
}
