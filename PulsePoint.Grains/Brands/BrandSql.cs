namespace PulsePoint.Brands;

/// <summary>
/// The brand queries. Each keeps a defensive tenant filter on <c>$1</c> beside the RLS policy, so the
/// benchmark can run the very same text under the BYPASSRLS role as its baseline.
/// </summary>
/// <remarks>
/// <para>
/// How the defensive filter is written depends on how many rows the scan returns. Written as an equality,
/// the planner merges it with the policy's <c>tenant_id = (select setting)</c> and turns their agreement into
/// a one-time filter on a Result node above the scan, which every scanned row passes through: +12-17% on
/// the cross-brand query over 66,000 orders (explain analyze and pgbench, application role with RLS vs
/// pipeline role). So the cross-brand query, which scans all of a tenant's orders and ad rows in the range,
/// writes <c>tenant_id between $1 and $1</c>: the same rows, kept as an index condition checked once per scan.
/// </para>
/// <para>
/// The brand summary keeps the equality. Its scans return one brand's rows (tens to a few thousand), so the
/// Result node costs little (about 6% of the summary's time in PostgreSQL at ~900 orders, measured against the
/// same query without the defensive filter on orders and ad rows), and the range form misleads the planner there: with a range on the
/// leading column, PostgreSQL does not count the <c>brand_id</c> condition as narrowing either orders index,
/// both estimate one row, and the generic plan it keeps for the prepared statement could pick the
/// (tenant, created_at) index and filter the tenant's other brands out row by row. Measured with 100 tenants
/// × 10,000 orders: 2.9 ms instead of 0.3 ms per summary (explain analyze, generic plan, application role).
/// </para>
/// </remarks>
public static class BrandSql
{
    /// <summary>$1 tenant, $2 brand, $3/$4 order instants [start, end), $5/$6 ad days [from, to].</summary>
    /// <remarks>
    /// Orders and ad rows are aggregated separately and then combined: joining them first would count
    /// every order once per ad row. No row when the brand does not exist for the tenant.
    /// </remarks>
    public const string Summary = """
        with o as (
            select count(*) as orders, coalesce(sum(amount_usd), 0) as revenue
              from orders
             where tenant_id = $1 and brand_id = $2 and created_at >= $3 and created_at < $4),
        a as (
            select coalesce(sum(spend_usd), 0) as spend,
                   coalesce(sum(impressions), 0)::bigint as impressions,
                   coalesce(sum(clicks), 0)::bigint as clicks,
                   count(distinct campaign_id) filter (where spend_usd > 0 or impressions > 0) as active
              from ad_performance
             where tenant_id = $1 and brand_id = $2 and day >= $5 and day <= $6)
        select b.name, o.orders, o.revenue, a.spend, a.impressions, a.clicks, a.active
          from brands b cross join o cross join a
         where b.tenant_id = $1 and b.id = $2
        """;

    /// <summary>$1 tenant, $2/$3 order instants [start, end), $4/$5 ad days [from, to].</summary>
    /// <remarks>
    /// The seed's version joined brands → orders → ad_performance in one chain, so SUM(amount_usd) was
    /// multiplied by the number of ad rows per brand (and its ad side had no date filter). Here each
    /// side is aggregated per brand first, then joined one row to one row.
    /// </remarks>
    public const string CrossBrand = """
        with o as (
            select brand_id, count(*) as orders, sum(amount_usd) as revenue
              from orders
             where tenant_id between $1 and $1 and created_at >= $2 and created_at < $3
             group by brand_id),
        a as (
            select brand_id, sum(spend_usd) as spend,
                   count(distinct campaign_id) filter (where spend_usd > 0 or impressions > 0) as active
              from ad_performance
             where tenant_id between $1 and $1 and day >= $4 and day <= $5
             group by brand_id)
        select b.id, b.name, coalesce(o.orders, 0), coalesce(o.revenue, 0), coalesce(a.active, 0), coalesce(a.spend, 0)
          from brands b
          left join o on o.brand_id = b.id
          left join a on a.brand_id = b.id
         where b.tenant_id = $1
         order by 4 desc, b.name, b.id
        """;

    /// <summary>$1 tenant, $2 brand.</summary>
    public const string Select = "select name from brands where tenant_id = $1 and id = $2";

    /// <summary>$1 tenant, $2 brand, $3 name. Returns the row whether it was inserted now or existed.</summary>
    public const string Create = """
        with ins as (
            insert into brands (tenant_id, id, name) values ($1, $2, $3)
            on conflict (tenant_id, id) do nothing
            returning name)
        select name from ins
        union all
        select name from brands where tenant_id = $1 and id = $2
        limit 1
        """;

    /// <summary>$1 tenant, $2 brand, $3 new name.</summary>
    public const string Rename = "update brands set name = $3, updated_at = now() where tenant_id = $1 and id = $2 returning name";

    /// <summary>$1 tenant, $2 brand, $3 ids, $4 amounts, $5 instants (parallel arrays). Existing ids are skipped.</summary>
    public const string InsertOrders = """
        insert into orders (tenant_id, id, brand_id, amount_usd, created_at)
        select $1, o.id, $2, o.amount, o.created_at
          from unnest($3::uuid[], $4::numeric[], $5::timestamptz[]) as o(id, amount, created_at)
        on conflict (tenant_id, id) do nothing
        """;

    /// <summary>$1 tenant, $2 brand, $3 campaigns, $4 days, $5 spend, $6 impressions, $7 clicks (parallel arrays).</summary>
    public const string UpsertAdPerformance = """
        insert into ad_performance (tenant_id, id, brand_id, campaign_id, day, spend_usd, impressions, clicks)
        select $1, gen_random_uuid(), $2, a.campaign_id, a.day, a.spend, a.impressions, a.clicks
          from unnest($3::text[], $4::date[], $5::numeric[], $6::bigint[], $7::bigint[]) as a(campaign_id, day, spend, impressions, clicks)
        on conflict (tenant_id, brand_id, campaign_id, day)
        do update set spend_usd = excluded.spend_usd, impressions = excluded.impressions, clicks = excluded.clicks
        """;
}
