using PulsePoint.Destinations;
using PulsePoint.Tenancy;

namespace PulsePoint.Tests.Destinations;

/// <summary>The only string-built SQL of the BigQuery adapter: table paths, validated then quoted.</summary>
public sealed class BigQueryIdentifiersTests
{
    [Fact]
    public void BigQueryIdentifiers_tenant_dataset_is_the_prefix_and_the_uuid_with_underscores()
    {
        var tenant = TenantId.Parse("5f1c2b3a-9d8e-4f70-a1b2-c3d4e5f60718");

        Assert.Equal("tenant_5f1c2b3a_9d8e_4f70_a1b2_c3d4e5f60718", BigQueryIdentifiers.DatasetOf("tenant_", tenant));
    }

    [Fact]
    public void BigQueryIdentifiers_quote_a_valid_table_path()
    {
        Assert.Equal("`pulsepoint-prod.tenant_ab.observability_events`", BigQueryIdentifiers.QuotedTable("pulsepoint-prod", "tenant_ab", "observability_events"));
        Assert.Equal("`example.com:analytics-1.d.t`", BigQueryIdentifiers.QuotedTable("example.com:analytics-1", "d", "t"));
    }

    [Theory]
    [InlineData("pulsepoint-prod`; drop table x; --", "d", "t")]
    [InlineData("pulsepoint-prod", "d` union select 1 --", "t")]
    [InlineData("pulsepoint-prod", "d", "t`")]
    [InlineData("pulsepoint-prod", "d.e", "t")]
    [InlineData("pulsepoint-prod", "d", "t\\")]
    [InlineData("pulsepoint-prod", "", "t")]
    [InlineData("Pulsepoint-Prod", "d", "t")]
    [InlineData("abc", "d", "t")]
    [InlineData("pulsepoint-prod", "d", "t x")]
    public void BigQueryIdentifiers_refuse_anything_that_could_leave_the_quotes(string project, string dataset, string table)
    {
        Assert.Throws<ArgumentException>(() => BigQueryIdentifiers.QuotedTable(project, dataset, table));
    }

    [Fact]
    public void BigQueryIdentifiers_refuse_a_prefix_that_is_not_an_identifier()
    {
        Assert.Throws<ArgumentException>(() => BigQueryIdentifiers.DatasetOf("tenant`", TenantId.New()));
    }
}
