using Npgsql;
using PulsePoint.Billing;
using PulsePoint.Client;
using PulsePoint.Silo.Cli;
using PulsePoint.Tests.Events;
using PulsePoint.Tests.Infrastructure;

namespace PulsePoint.Tests.Billing;

/// <summary>
/// <c>prices import</c> and <c>prices list</c> against the real test database, and an imported price used by the real
/// cluster's event sink. The LiteLLM file is written here in the documented <c>model_prices_and_context_window.json</c>
/// format (entries keyed by model name, USD per token, a <c>sample_spec</c> entry that documents the fields).
/// </summary>
[Collection(BillingClusterCollection.Name)]
public sealed class PricesImportVerbTests(BillingClusterFixture fixture) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pulsepoint-prices-").FullName;
    private readonly string _id = Guid.NewGuid().ToString("N")[..8];

    private static readonly string[] Settings = [$"--PulsePoint:Database:Owner={TestDatabase.Owner}", $"--PulsePoint:Database:Application={TestDatabase.Application}"];

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string LiteLlmFile(string extraEntry = "") => Write("model_prices_and_context_window.json", $$"""
        {
          "sample_spec": {
            "input_cost_per_token": 0.0,
            "output_cost_per_token": 0.0,
            "litellm_provider": "one of https://docs.litellm.ai/docs/providers",
            "max_input_tokens": "max input tokens, if the provider specifies it. if not default to max_tokens",
            "mode": "one of: chat, embedding, completion, image_generation, audio_transcription, audio_speech"
          },
          "long-{{_id}}": {
            "max_input_tokens": 1000000,
            "max_output_tokens": 64000,
            "input_cost_per_token": 3e-06,
            "output_cost_per_token": 1.5e-05,
            "cache_read_input_token_cost": 3e-07,
            "cache_creation_input_token_cost": 3.75e-06,
            "input_cost_per_token_above_200k_tokens": 6e-06,
            "output_cost_per_token_above_200k_tokens": 2.25e-05,
            "cache_read_input_token_cost_above_200k_tokens": 6e-07,
            "cache_creation_input_token_cost_above_200k_tokens": 7.5e-06,
            "litellm_provider": "anthropic",
            "mode": "chat",
            "supports_prompt_caching": true
          },
          "thinker-{{_id}}": {
            "input_cost_per_token": 0.0000003,
            "output_cost_per_token": 0.0000025,
            "output_cost_per_reasoning_token": 0.0000035,
            "cache_read_input_token_cost": 7.5e-08,
            "input_cost_per_token_above_128k_tokens": 6e-07,
            "litellm_provider": "gemini",
            "mode": "chat"
          },
          "painter-{{_id}}": {
            "input_cost_per_pixel": 1.9e-08,
            "output_cost_per_pixel": 0.0,
            "litellm_provider": "openai",
            "mode": "image_generation"
          }{{extraEntry}}
        }
        """);

    [Fact]
    public async Task PricesImport_litellm_file_becomes_exact_prices_per_million_with_tiers_reasoning_and_its_source()
    {
        var (code, output, error) = await RunAsync("import", "--format", "litellm", LiteLlmFile(), "--effective-from", "2026-01-01",
            "--source", "https://github.com/BerriAI/litellm/blob/main/model_prices_and_context_window.json (test copy)");

        Assert.True(code == 0, error);
        Assert.Contains("3 entries checked: 2 to import, 0 not selected by --model/--provider, 1 without a per-token price", error);
        Assert.Contains("imported 2 prices (2 new, 0 replaced), effective from 2026-01-01, 2 with long-context tiers, 1 with a reasoning rate", output);
        var catalog = new PricingCatalog((await ModelPriceTable.ListAsync(TestDatabase.CreateDataSource(TestDatabase.Application))).Select(r => r.Price));
        var longContext = catalog.Find("long-" + _id, DateTimeOffset.UtcNow)!;
        Assert.Equal((3m, 15m, 0.3m, 3.75m, (decimal?)null), (longContext.InputPerMTok, longContext.OutputPerMTok, longContext.CacheReadPerMTok, longContext.CacheWritePerMTok, longContext.ReasoningPerMTok));
        Assert.Equal([new PriceTier(200_000, 6m, 22.5m, 0.6m, 7.5m)], longContext.TierList);
        Assert.StartsWith("https://github.com/BerriAI/litellm", longContext.Source);
        var thinker = catalog.Find("thinker-" + _id, DateTimeOffset.UtcNow)!;
        Assert.Equal((0.3m, 2.5m, 3.5m, 0.075m, (decimal?)null), (thinker.InputPerMTok, thinker.OutputPerMTok, thinker.ReasoningPerMTok, thinker.CacheReadPerMTok, thinker.CacheWritePerMTok));
        // The 128k tier gives only an input price: the output price is the base one (LiteLLM's rule), the cache price unknown.
        Assert.Equal([new PriceTier(128_000, 0.6m, 2.5m, null, null)], thinker.TierList);
        Assert.Contains("imported from model_prices_and_context_window.json (litellm, sha256 ", await NoteAsync("long-" + _id));
    }

    [Fact]
    public async Task PricesImport_an_imported_price_bills_the_clusters_events_at_its_tier()
    {
        var (code, _, error) = await RunAsync("import", "--format", "litellm", LiteLlmFile(), "--effective-from", "2026-01-01", "--source", "test copy", "--model", "long-" + _id);
        Assert.True(code == 0, error);
        var tenant = await TestTenants.CreateAsync(fixture.Client);
        var tracker = new EventTracker(fixture.Client);
        var e = tracker.AiGeneration("long-" + _id, 250_000, 1_000, TimeSpan.FromSeconds(1), new AiGenerationDetails { Tenant = tenant });

        await tracker.TrackAsync(e);

        // Prompt 250,000 > 200,000: 250,000 × 6 + 1,000 × 22.5 per million = 1.5 + 0.0225.
        Assert.Equal(1.5225m, await TestEvents.ScalarAsync<decimal>("select total_cost_usd from ai_token_usage where event_id = $1", e.EventId));
        Assert.Equal($"catalog:table/long-{_id}@2026-01-01 (prompt > 200000)", await TestEvents.ScalarAsync<string>("select price_source from ai_token_usage where event_id = $1", e.EventId));
    }

    public static TheoryData<string, string, string> BadEntries => new()
    {
        // entry JSON, the field the error names, words of the problem
        { "\"output_cost_per_token\": \"0.00001\"", "output_cost_per_token", "must be a number of USD per token" },
        { "\"output_cost_per_token\": -1e-06", "output_cost_per_token", "must not be negative" },
        { "\"output_cost_per_token\": 1.4999999999999999e-06", "output_cost_per_token", "more than 6 decimals" },
        { "\"output_cost_per_token\": 1e-06, \"cache_read_input_token_cost\": 1e-13", "cache_read_input_token_cost", "more than 6 decimals" },
        { "\"mode\": \"chat\"", "output_cost_per_token", "is missing" },
    };

    [Theory]
    [MemberData(nameof(BadEntries))]
    public async Task PricesImport_one_bad_entry_refuses_the_whole_file_naming_entry_and_field(string fields, string field, string problem)
    {
        var file = LiteLlmFile($",\n  \"bad-{_id}\": {{ \"input_cost_per_token\": 1e-06, {fields}, \"litellm_provider\": \"openai\" }}");

        var (code, output, error) = await RunAsync("import", "--format", "litellm", file, "--effective-from", "2026-01-01", "--source", "test copy");

        Assert.Equal(2, code);
        Assert.Contains($"nothing imported: entry 'bad-{_id}', field '{field}'", error);
        Assert.Contains(problem, error);
        Assert.Equal("", output);
        Assert.Equal(0L, await TestEvents.ScalarAsync<long>("select count(*) from model_prices where model like $1", $"%-{_id}"));
    }

    [Fact]
    public async Task PricesImport_pulsepoint_file_with_tiers_then_again_replaces_and_a_missing_date_names_the_entry()
    {
        var file = Write("prices.json", $$"""
            { "prices": [
              { "model": "own-{{_id}}", "inputPerMTok": 1.25, "outputPerMTok": 10, "cacheReadPerMTok": 0.125,
                "tiers": [ { "aboveInputTokens": 200000, "inputPerMTok": 2.5, "outputPerMTok": 15, "cacheReadPerMTok": 0.25 } ],
                "source": "https://example.test/pricing, read 2026-12-01" },
              { "model": "own-{{_id}}", "effectiveFrom": "2026-06-01", "inputPerMTok": 1, "outputPerMTok": 8 }
            ] }
            """);

        var first = await RunAsync("import", "--format", "pulsepoint", file, "--effective-from", "2026-01-01");
        var again = await RunAsync("import", "--format", "pulsepoint", file, "--effective-from", "2026-01-01");
        var undated = await RunAsync("import", "--format", "pulsepoint", file);
        var listed = await RunAsync("list", "--model", "own-" + _id);

        Assert.True(first.Code == 0, first.Error);
        Assert.Contains("imported 2 prices (2 new, 0 replaced), effective from 2026-01-01 to 2026-06-01, 1 with long-context tiers", first.Output);
        Assert.Contains("imported 2 prices (0 new, 2 replaced)", again.Output);
        Assert.Equal(2, undated.Code);
        Assert.Contains($"entry 'own-{_id}', field 'EffectiveFrom': EffectiveFrom is required", undated.Error);
        Assert.True(listed.Code == 0, listed.Error);
        var rows = System.Text.RegularExpressions.Regex.Replace(listed.Output, " +", " ");
        Assert.Contains($"own-{_id} 2026-01-01 table 1.25 10.00 0.125 >200000: 2.5 / 15 / cache 0.25 / - https://example.test/pricing, read 2026-12-01", rows);
        Assert.Contains($"own-{_id} 2026-06-01 table 1.00 8.00", rows);
    }

    [Fact]
    public async Task PricesImport_litellm_needs_a_date_and_a_source_and_the_owner_role()
    {
        var file = LiteLlmFile();

        var undated = await RunAsync("import", "--format", "litellm", file, "--source", "x");
        var ownerless = await SiloCommandLine.RunAsync(
            ["prices", "import", "--format", "litellm", file, "--effective-from", "2026-01-01", "--source", "x", $"--PulsePoint:Database:Application={TestDatabase.Application}"],
            new StringWriter(), new StringWriter());

        Assert.Equal(2, undated.Code);
        Assert.Contains("--format litellm needs --effective-from and --source", undated.Error);
        Assert.Equal(2, ownerless);
    }

    private async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        await TestDatabase.EnsureCreatedAsync();
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await PricesCommand.RunAsync([.. args, .. Settings], output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static async Task<string> NoteAsync(string model)
    {
        await using var app = TestDatabase.CreateDataSource(TestDatabase.Application);
        await using var read = app.CreateCommand("select note from model_prices where model = $1");
        read.Parameters.Add(new NpgsqlParameter { Value = model });
        return (string)(await read.ExecuteScalarAsync())!;
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }
}
