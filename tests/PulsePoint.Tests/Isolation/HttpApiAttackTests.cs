using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Npgsql;
using PulsePoint.ApiKeys;
using PulsePoint.Storage;
using PulsePoint.Tenancy;
using PulsePoint.Tests.HttpApi;
using PulsePoint.Tests.Infrastructure;
using static PulsePoint.Tests.HttpApi.HttpEventsTests;
using static PulsePoint.Tests.HttpApi.OtlpTraceTests;

namespace PulsePoint.Tests.Isolation;

/// <summary>
/// The attack suite's HTTP cases, on the real silo web host and PostgreSQL: each attacks as tenant A, a stranger or a
/// guessing client while tenant B has keys and events, and asserts nothing of B's is reached and no answer says whether a
/// key or tenant exists. Tests that fail authentication come from their own loopback address (127.0.0.x), as separate
/// clients would, so the per-address failure budget of one test never decides another's.
/// </summary>
[Collection(HttpSiloCollection.Name)]
public sealed class HttpApiAttackTests(HttpSiloFixture silo)
{
    private const string UnknownKey = "pp_live_aaaaaaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    [Fact]
    public async Task HttpAttack01_a_key_of_tenant_a_sending_events_that_name_tenant_b_is_refused_per_item()
    {
        var a = await silo.CreateTenantAsync("Attacker A");
        var b = await silo.CreateTenantAsync("Victim B");
        using var http = silo.Client(await silo.CreateKeyAsync(a));
        var (own, forged) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        var forgedEvent = Event(forged, "ai.operations", "ai.answer_generated", ("ai_model", "gpt-4o"), ("tokens_input", 1_000_000));
        forgedEvent["tenant_id"] = b.ToString();
        var ownEvent = Event(own, "user.interaction", "user.action");
        ownEvent["tenant_id"] = a.ToString();

        var response = await http.PostAsync("/v1/events", Batch(ownEvent, forgedEvent));

        Assert.Equal(HttpStatusCode.MultiStatus, response.StatusCode);
        var results = (await response.Content.ReadFromJsonAsync<JsonObject>())!["results"]!.AsArray();
        Assert.Equal("stored", (string)results[0]!["outcome"]!);
        Assert.Equal(("rejected", "tenant_id"), ((string)results[1]!["outcome"]!, (string)results[1]!["field"]!));
        // The refusal reads the same whether B exists or not: it names no tenant.
        Assert.DoesNotContain(b.ToString(), (string)results[1]!["error"]!);
        Assert.Equal(0, await silo.CountEventsAsync(b, [own, forged]));
        Assert.Equal(1, await silo.CountEventsAsync(a, [own, forged]));
    }

    [Fact]
    public async Task HttpAttack02_a_revoked_key_is_refused_on_the_next_request_exactly_like_an_unknown_key()
    {
        var tenant = await silo.CreateTenantAsync();
        var key = await silo.CreateKeyAsync(tenant);
        var source = IPAddress.Parse("127.0.0.2");
        using var http = silo.Client(key, source);
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/v1/events", Batch(Event(Guid.CreateVersion7(), "user.interaction", "user.action")))).StatusCode);

        Assert.True(ApiKeySecret.TryParse(key, out var id, out _));
        CallerTenant.Set(tenant);
        Assert.True(await silo.Grains.GetGrain<IApiKeyGrain>(id.ToString()).RevokeAsync());
        CallerTenant.Clear();

        var revoked = await http.PostAsync("/v1/events", Batch(Event(Guid.CreateVersion7(), "user.interaction", "user.action")));
        using var stranger = silo.Client(UnknownKey, source);
        var unknown = await stranger.PostAsync("/v1/events", Batch(Event(Guid.CreateVersion7(), "user.interaction", "user.action")));
        await AssertSameRefusalAsync(unknown, revoked);
    }

    [Fact]
    public async Task HttpAttack03_a_deactivated_tenants_key_is_refused_like_an_unknown_key_until_the_tenant_is_active_again()
    {
        var tenant = await silo.CreateTenantAsync();
        var source = IPAddress.Parse("127.0.0.3");
        using var http = silo.Client(await silo.CreateKeyAsync(tenant), source);
        using var stranger = silo.Client(UnknownKey, source);

        await silo.SetActiveAsync(tenant, active: false);
        var refused = await http.PostAsync("/v1/traces", Json());
        await AssertSameRefusalAsync(await stranger.PostAsync("/v1/traces", Json()), refused);

        await silo.SetActiveAsync(tenant, active: true);
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/v1/traces", Json())).StatusCode);
    }

    [Fact]
    public async Task HttpAttack04_unknown_malformed_expired_and_missing_keys_get_the_same_401()
    {
        var tenant = await silo.CreateTenantAsync();
        // Long enough that a busy machine still makes the first request before the key expires.
        var expiry = DateTimeOffset.UtcNow.AddSeconds(5);
        var expiring = (await silo.Keys.CreateTenantKeyAsync(tenant, ApiKeyScopes.Ingest, null, expiry)).Key;
        var source = IPAddress.Parse("127.0.0.4");
        using (var beforeExpiry = silo.Client(expiring, source))
        {
            Assert.Equal(HttpStatusCode.OK, (await beforeExpiry.PostAsync("/v1/traces", Json())).StatusCode);
        }

        var untilExpired = expiry - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(0.5);
        await Task.Delay(untilExpired > TimeSpan.Zero ? untilExpired : TimeSpan.Zero);
        using var unknown = silo.Client(UnknownKey, source);
        foreach (var key in new[] { expiring, "pp_live_short", "Bearer", UnknownKey.ToUpperInvariant(), expiring[..^1] + "a", "pp_oper_aaaaaaaaaaaa_" + new string('b', 52), "' or 1=1 --" })
        {
            using var http = silo.Client(key, source);
            await AssertSameRefusalAsync(await unknown.PostAsync("/v1/events", Batch()), await http.PostAsync("/v1/events", Batch()));
        }

        using var anonymous = silo.Client(null, source);
        var none = await anonymous.PostAsync("/v1/events", Batch());
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("Bearer", none.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task HttpAttack05_a_key_without_the_scope_is_forbidden_and_reaches_nothing()
    {
        var tenant = await silo.CreateTenantAsync();
        using var reader = silo.Client(await silo.CreateKeyAsync(tenant, ApiKeyScopes.Read));
        var id = Guid.CreateVersion7();
        await AssertProblemAsync(await reader.PostAsync("/v1/events", Batch(Event(id, "user.interaction", "user.action"))), HttpStatusCode.Forbidden, "Not allowed for this key");
        await AssertProblemAsync(await reader.PostAsync("/v1/traces", Json()), HttpStatusCode.Forbidden, "Not allowed for this key");
        await AssertProblemAsync(await reader.GetAsync($"/v1/admin/tenants/{tenant}/keys"), HttpStatusCode.Forbidden, "Not allowed for this key");
        Assert.Equal(0, await silo.CountEventsAsync(tenant, [id]));
    }

    [Fact]
    public async Task HttpAttack06_key_guessing_from_one_address_is_slowed_with_429_and_other_addresses_are_not()
    {
        var tenant = await silo.CreateTenantAsync();
        var valid = await silo.CreateKeyAsync(tenant);
        var guesser = IPAddress.Parse("127.0.0.6");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < HttpSiloFixture.FailedAuthenticationsPerMinute + 5; i++)
        {
            using var guess = silo.Client(ApiKeySecret.Create(ApiKeyKind.Tenant).Key, guesser);
            statuses.Add((await guess.PostAsync("/v1/traces", Json())).StatusCode);
        }

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, HttpSiloFixture.FailedAuthenticationsPerMinute), statuses.Take(HttpSiloFixture.FailedAuthenticationsPerMinute));
        Assert.All(statuses.Skip(HttpSiloFixture.FailedAuthenticationsPerMinute), s => Assert.Equal(HttpStatusCode.TooManyRequests, s));

        // While blocked, the address's requests are not even looked at: a right key gets 429 too, with Retry-After.
        using var blocked = silo.Client(valid, guesser);
        var answer = await blocked.PostAsync("/v1/traces", Json());
        Assert.Equal(HttpStatusCode.TooManyRequests, answer.StatusCode);
        Assert.True(answer.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));

        using var elsewhere = silo.Client(valid, IPAddress.Parse("127.0.0.7"));
        Assert.Equal(HttpStatusCode.OK, (await elsewhere.PostAsync("/v1/traces", Json())).StatusCode);
    }

    [Fact]
    public async Task HttpAttack07_an_otlp_resource_naming_another_tenant_has_every_span_refused()
    {
        var a = await silo.CreateTenantAsync("Attacker A");
        var b = await silo.CreateTenantAsync("Victim B");
        using var http = silo.Client(await silo.CreateKeyAsync(a));
        var (trace, span) = (RandomHex(16), RandomHex(8));
        var response = await http.PostAsync("/v1/traces", Json([("service.name", "x"), ("pulsepoint.tenant_id", b.ToString())],
            Span(trace, span, 3, DateTimeOffset.UtcNow, 10, ("gen_ai.operation.name", "chat"), ("gen_ai.request.model", "gpt-4o"), ("gen_ai.usage.input_tokens", 5L))));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var partial = (await response.Content.ReadFromJsonAsync<JsonObject>())!["partialSuccess"]!;
        Assert.Equal("1", partial["rejectedSpans"]!.ToString());
        Assert.Contains("names another tenant than the API key's", (string)partial["errorMessage"]!);
        Assert.DoesNotContain(b.ToString(), (string)partial["errorMessage"]!);
        Assert.Equal(0, await silo.CountEventsAsync(a, [Id(trace, span)]));
        Assert.Equal(0, await silo.CountEventsAsync(b, [Id(trace, span)]));
    }

    [Fact]
    public async Task HttpAttack08_oversized_and_malformed_otlp_bodies_are_refused_before_anything_is_stored()
    {
        var tenant = await silo.CreateTenantAsync();
        using var http = silo.Client(await silo.CreateKeyAsync(tenant));

        // A length-delimited field claiming far more bytes than follow.
        var truncated = Protobuf([0x0A, 0xFF, 0xFF, 0xFF, 0x0F, 0x01]);
        var answer = await http.PostAsync("/v1/traces", truncated);
        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        var status = Silo.HttpApi.Otlp.Wire.Rpc.Status.Parser.ParseFrom(await answer.Content.ReadAsByteArrayAsync());
        Assert.Equal(3, status.Code);
        Assert.StartsWith("the body is not an OTLP ExportTraceServiceRequest", status.Message);

        var garbage = await http.PostAsync("/v1/traces", Protobuf(Encoding.UTF8.GetBytes("this is not protobuf at all, just text")));
        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);

        var json = await http.PostAsync("/v1/traces", new StringContent("{\"resourceSpans\": [", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, json.StatusCode);
        Assert.Equal(3, (int)(await json.Content.ReadFromJsonAsync<JsonObject>())!["code"]!);

        var huge = await http.PostAsync("/v1/traces", Protobuf(new byte[HttpSiloFixture.MaxRequestBodyBytes + 1]));
        await AssertProblemAsync(huge, HttpStatusCode.RequestEntityTooLarge, "Request body too large");

        await AssertProblemAsync(await http.PostAsync("/v1/traces", new StringContent("x", Encoding.UTF8, "text/plain")), HttpStatusCode.UnsupportedMediaType, "OTLP expected");
    }

    [Fact]
    public async Task HttpAttack09_per_key_request_and_event_rates_answer_429_with_retry_after_and_other_keys_go_on()
    {
        var tenant = await silo.CreateTenantAsync();
        using var flood = silo.Client(await silo.CreateKeyAsync(tenant));
        var answers = await Task.WhenAll(Enumerable.Range(0, HttpSiloFixture.RequestsPerSecondPerKey * 3).Select(_ => flood.PostAsync("/v1/traces", Json())));
        var limited = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(limited);
        Assert.All(answers, a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.TooManyRequests }));
        Assert.True(limited[0].Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));

        using var events = silo.Client(await silo.CreateKeyAsync(tenant));
        // More events at once than a second's worth: the requests beyond the bucket are refused before their events are read.
        var batches = Enumerable.Range(0, HttpSiloFixture.EventsPerSecondPerKey / HttpSiloFixture.MaxEventsPerRequest + 2)
            .Select(_ => Batch(Enumerable.Range(0, HttpSiloFixture.MaxEventsPerRequest).Select(_ => (JsonNode)Event(Guid.CreateVersion7(), "user.interaction", "user.action")).ToArray()))
            .ToList();
        var statuses = (await Task.WhenAll(batches.Select(b => events.PostAsync("/v1/events", b)))).Select(r => r.StatusCode).ToList();
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.Contains(HttpStatusCode.OK, statuses);
        using var other = silo.Client(await silo.CreateKeyAsync(tenant));
        Assert.Equal(HttpStatusCode.OK, (await other.PostAsync("/v1/traces", Json())).StatusCode);
    }

    [Fact]
    public async Task HttpAttack10_the_key_lookup_policy_shows_only_the_named_key_and_lets_the_silo_change_nothing_else()
    {
        var a = await silo.CreateTenantAsync("A");
        var b = await silo.CreateTenantAsync("B");
        var (infoA, _) = await silo.Keys.CreateTenantKeyAsync(a, ApiKeyScopes.Ingest, null, null);
        var (infoB, _) = await silo.Keys.CreateTenantKeyAsync(b, ApiKeyScopes.Ingest | ApiKeyScopes.Admin, null, null);
        await using var application = NpgsqlDataSource.Create(HttpSiloFixture.Database.Application);

        var database = new TenantDatabase(application, TestDatabase.TenantContext);

        // Keys visible in a transaction with the tenant as the silo sets it (signed) or as SQL would (unsigned), and the
        // key id named.
        async Task<List<string>> VisibleAsync(TenantId? signedTenant, string? unsignedTenant, string? keyId)
        {
            async Task<List<string>> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction)
            {
                foreach (var (setting, value) in new[] { ("app.current_tenant_id", unsignedTenant), ("app.current_api_key_id", keyId) })
                {
                    if (value is not null)
                    {
                        await using var set = new NpgsqlCommand("select set_config($1, $2, true)", connection, transaction);
                        set.Parameters.Add(new NpgsqlParameter { Value = setting });
                        set.Parameters.Add(new NpgsqlParameter { Value = value });
                        await set.ExecuteNonQueryAsync();
                    }
                }

                await using var select = new NpgsqlCommand("select key_id from api_keys where true or tenant_id is not null", connection, transaction);
                await using var reader = await select.ExecuteReaderAsync();
                var found = new List<string>();
                while (await reader.ReadAsync())
                {
                    found.Add(reader.GetString(0));
                }

                return found;
            }

            if (signedTenant is { } tenant)
            {
                return await database.RunAsync(tenant, session =>
                {
                    using var probe = session.Command("select 1");
                    return ReadAsync(probe.Connection!, probe.Transaction);
                });
            }

            await using var connection = await application.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            return await ReadAsync(connection, transaction);
        }

        Assert.Empty(await VisibleAsync(null, null, null));
        Assert.Empty(await VisibleAsync(null, "", ""));
        Assert.Equal([infoA.Key.Value], await VisibleAsync(a, null, null));
        Assert.Empty(await VisibleAsync(null, a.ToString(), null));
        Assert.Equal([infoB.Key.Value], await VisibleAsync(null, null, infoB.Key.Value));
        Assert.Equal(new[] { infoA.Key.Value, infoB.Key.Value }.Order(), (await VisibleAsync(a, null, infoB.Key.Value)).Order());
        foreach (var probe in new[] { "%", infoB.Key.Value.ToUpperInvariant(), infoB.Key.Value + " ", "' or true --", infoB.Key.ToString() })
        {
            Assert.Empty(await VisibleAsync(null, null, probe));
        }

        // Named by its id, B's key can be read, not changed: writes need B's tenant scope.
        var updated = await database.RunAsync(a, async session =>
        {
            await using var set = session.Command("select set_config('app.current_api_key_id', $2, true)").Bind(infoB.Key.Value);
            await set.ExecuteNonQueryAsync();
            await using var revoke = session.Command("update api_keys set revoked_at = now() where key_id = $2").Bind(infoB.Key.Value);
            return await revoke.ExecuteNonQueryAsync();
        });
        Assert.Equal(0, updated);

        // The application role may revoke and note use, nothing more; operator keys are the owner's to make.
        foreach (var sql in new[]
        {
            "update api_keys set scopes = array['admin'] where tenant_id = $1",
            "update api_keys set secret_sha256 = sha256('x'::bytea) where tenant_id = $1",
            "delete from api_keys where tenant_id = $1",
            "insert into operator_api_keys (key_id, secret_sha256) select 'aaaaaaaaaaaa', sha256('x'::bytea) where $1::uuid is not null",
            "update operator_api_keys set secret_sha256 = sha256('x'::bytea) where $1::uuid is not null",
        })
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => database.RunAsync(a, async session =>
            {
                await using var command = session.Command(sql);
                return await command.ExecuteNonQueryAsync();
            }));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        }
    }

    [Fact]
    public async Task HttpAttack11_a_tenant_admin_key_cannot_list_or_revoke_another_tenants_keys_and_learns_nothing()
    {
        var a = await silo.CreateTenantAsync("A");
        var b = await silo.CreateTenantAsync("B");
        var keyB = await silo.CreateKeyAsync(b);
        Assert.True(ApiKeySecret.TryParse(keyB, out var idB, out _));
        using var adminA = silo.Client(await silo.CreateKeyAsync(a, ApiKeyScopes.Admin));

        var other = await adminA.GetAsync($"/v1/admin/tenants/{b}/keys");
        var nobody = await adminA.GetAsync($"/v1/admin/tenants/{TenantId.New()}/keys");
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Equal(await BodyAsync(nobody), await BodyAsync(other));
        Assert.Equal(HttpStatusCode.NotFound, (await adminA.DeleteAsync($"/v1/admin/tenants/{b}/keys/{idB}")).StatusCode);
        // Through its own tenant's route, B's key id is simply not one of A's keys.
        Assert.Equal(HttpStatusCode.NotFound, (await adminA.DeleteAsync($"/v1/admin/tenants/{a}/keys/{idB}")).StatusCode);

        using var b2 = silo.Client(keyB);
        Assert.Equal(HttpStatusCode.OK, (await b2.PostAsync("/v1/traces", Json())).StatusCode);
    }

    private static async Task AssertSameRefusalAsync(HttpResponseMessage expected, HttpResponseMessage actual)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, expected.StatusCode);
        Assert.Equal(expected.StatusCode, actual.StatusCode);
        Assert.Equal(expected.Headers.WwwAuthenticate.ToString(), actual.Headers.WwwAuthenticate.ToString());
        Assert.Equal(await BodyAsync(expected), await BodyAsync(actual));
    }

    /// <summary>The problem body without its per-request trace id.</summary>
    private static async Task<string> BodyAsync(HttpResponseMessage response)
    {
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        body.Remove("traceId");
        return body.ToJsonString();
    }

    private static ByteArrayContent Protobuf(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        return content;
    }
}
