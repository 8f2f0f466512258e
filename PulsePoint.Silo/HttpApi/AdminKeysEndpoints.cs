using System.Text.Json;
using System.Text.Json.Serialization;
using PulsePoint.ApiKeys;
using PulsePoint.Tenancy;

namespace PulsePoint.Silo.HttpApi;

/// <summary>
/// A tenant's keys over HTTP: <c>POST</c>, <c>GET /v1/admin/tenants/{tenant}/keys</c> and
/// <c>DELETE /v1/admin/tenants/{tenant}/keys/{key}</c>. An operator's key may manage every tenant's keys; a tenant's key
/// with the <c>admin</c> scope only its own tenant's, and for any other tenant it gets 404, as for a tenant that does not
/// exist. Operator keys are made with the CLI only (<c>keys create --operator</c>, as the owner role), so no key can mint
/// an operator key. A revocation goes through the key's grain: the next request with that key is refused.
/// </summary>
public static class AdminKeysEndpoints
{
    public const string Path = "/v1/admin/tenants/{tenant}/keys";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static RouteGroupBuilder MapAdminKeys(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup(Path);
        group.MapPost("", CreateAsync);
        group.MapGet("", ListAsync);
        group.MapDelete("/{key}", RevokeAsync);
        return group;
    }

    private static async Task<IResult> CreateAsync(string tenant, HttpContext http, ApiKeyStore store, IGrainFactory grains)
    {
        if (await AdministeredAsync(tenant, http, grains) is not { } id)
        {
            return NoSuchTenant();
        }

        CreateKeyRequest? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<CreateKeyRequest>(http.Request.Body, Json, http.RequestAborted);
        }
        catch (JsonException e)
        {
            return Problems.Of(StatusCodes.Status400BadRequest, "Malformed JSON", e.Message);
        }

        if (body?.Scopes is not { Length: > 0 } names || !ApiKeyScopeNames.TryParse(names, out var scopes))
        {
            return Problems.Of(StatusCodes.Status400BadRequest, "Scopes required", "'scopes' must list one or more of ingest, read, admin.");
        }

        try
        {
            var (info, key) = await store.CreateTenantKeyAsync(id, scopes, body.Name, body.ExpiresAt, http.RequestAborted);
            return Results.Json(new CreatedKey(info.Key.ToString(), info.Name, ApiKeyScopeNames.Of(info.Scopes), info.CreatedAt, info.ExpiresAt, key), Json, statusCode: StatusCodes.Status201Created);
        }
        catch (TenantNotFoundException)
        {
            return NoSuchTenant();
        }
        catch (ArgumentException e)
        {
            return Problems.Of(StatusCodes.Status400BadRequest, "Invalid key settings", e.Message);
        }
    }

    private static async Task<IResult> ListAsync(string tenant, HttpContext http, ApiKeyStore store, IGrainFactory grains, TimeProvider time)
    {
        if (await AdministeredAsync(tenant, http, grains) is not { } id)
        {
            return NoSuchTenant();
        }

        var keys = await store.ListTenantKeysAsync(id, http.RequestAborted);
        var now = time.GetUtcNow();
        return Results.Json(new KeyList(keys.Select(k => View(k, now)).ToList()), Json);
    }

    private static async Task<IResult> RevokeAsync(string tenant, string key, HttpContext http, IGrainFactory grains)
    {
        if (await AdministeredAsync(tenant, http, grains) is not { } id)
        {
            return NoSuchTenant();
        }

        if (!ApiKeyId.TryParse(key, ApiKeyKind.Tenant, out var keyId) || keyId.Kind != ApiKeyKind.Tenant)
        {
            return NoSuchKey();
        }

        // The key's grain admits a tenant key's revocation from that tenant's scope only.
        CallerTenant.Set(id);
        return await grains.GetGrain<IApiKeyGrain>(keyId.ToString()).RevokeAsync() ? Results.NoContent() : NoSuchKey();
    }

    /// <summary>The tenant in the path when the request's key may administer it and it exists; null otherwise (answered 404).</summary>
    private static async Task<TenantId?> AdministeredAsync(string tenant, HttpContext http, IGrainFactory grains)
    {
        if (!TenantId.TryParse(tenant, out var id))
        {
            return null;
        }

        if (!ApiKeyClaims.IsOperator(http.User))
        {
            return ApiKeyClaims.TenantOf(http.User) == id && ApiKeyClaims.HasScope(http.User, ApiKeyScopes.Admin) ? id : null;
        }

        CallerTenant.Set(id);
        return await grains.GetGrain<ITenantGrain>(id.Value).GetStatusAsync() == TenantStatus.NotFound ? null : id;
    }

    private static IResult NoSuchTenant() => Problems.Of(StatusCodes.Status404NotFound, "No such tenant", "No tenant with this id is administered by this key.");

    private static IResult NoSuchKey() => Problems.Of(StatusCodes.Status404NotFound, "No such key", "The tenant has no key with this id.");

    private static KeyView View(ApiKeyInfo info, DateTimeOffset now) => new(
        info.Key.ToString(), info.Name, ApiKeyScopeNames.Of(info.Scopes), info.CreatedAt, info.ExpiresAt, info.RevokedAt, info.LastUsedAt,
        info.IsUsableAt(now));

    private sealed record CreateKeyRequest(string[]? Scopes, string? Name, DateTimeOffset? ExpiresAt);

    private sealed record KeyView(
        string KeyId, string? Name, string[] Scopes, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt, bool Active);

    /// <summary>The new key; <c>api_key</c> is its full text, shown this once and stored nowhere.</summary>
    private sealed record CreatedKey(string KeyId, string? Name, string[] Scopes, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, string ApiKey);

    private sealed record KeyList(IReadOnlyList<KeyView> Keys);
}
