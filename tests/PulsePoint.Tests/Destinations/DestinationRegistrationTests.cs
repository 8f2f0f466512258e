using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PulsePoint.Destinations;

namespace PulsePoint.Tests.Destinations;

/// <summary>Configuration selects the adapters; bad settings fail with the key named.</summary>
public sealed class DestinationRegistrationTests
{
    [Fact]
    public void Destinations_default_to_the_DuckDb_warehouse_and_leave_realtime_to_the_event_sink()
    {
        using var services = DestinationTestServices.Build([]);

        var destination = Assert.Single(services.GetServices<IEventDestination>());
        Assert.IsType<DuckDbWarehouse>(destination);
        Assert.Equal("duckdb", destination.Name);
        Assert.Equal(".local/warehouse.duckdb", services.GetRequiredService<IOptions<DuckDbOptions>>().Value.Path);
    }

    [Fact]
    public void Destinations_None_for_both_registers_no_adapter()
    {
        using var services = DestinationTestServices.Build(new()
        {
            ["PulsePoint:Destinations:Warehouse"] = "None",
            ["PulsePoint:Destinations:Realtime"] = "None",
        });

        Assert.Empty(services.GetServices<IEventDestination>());
    }

    [Fact]
    public void Destinations_None_warehouse_and_PubSub_realtime_register_only_PubSub()
    {
        using var services = DestinationTestServices.PubSub("127.0.0.1:1", "events-registration");

        var destination = Assert.Single(services.GetServices<IEventDestination>());
        Assert.IsType<PubSubDestination>(destination);
        Assert.Equal("pubsub", destination.Name);
    }

    [Fact]
    public void Destinations_BigQuery_warehouse_registers_the_destination_and_the_query_client_with_ADC_credentials()
    {
        using var services = DestinationTestServices.Build(new()
        {
            ["PulsePoint:Destinations:Warehouse"] = "BigQuery",
            ["PulsePoint:Destinations:BigQuery:ProjectId"] = "pulsepoint-prod",
        });

        var destination = Assert.Single(services.GetServices<IEventDestination>());
        Assert.IsType<BigQueryDestination>(destination);
        Assert.NotNull(services.GetRequiredService<BigQueryQueryClient>());
        Assert.IsType<GoogleApplicationDefaultTokenSource>(services.GetRequiredKeyedService<IGoogleAccessTokenSource>(BigQueryDestination.TokenSourceKey));
    }

    [Fact]
    public void Destinations_BigQuery_project_id_that_could_break_a_table_path_is_refused()
    {
        using var services = DestinationTestServices.Build(new()
        {
            ["PulsePoint:Destinations:Warehouse"] = "BigQuery",
            ["PulsePoint:Destinations:BigQuery:ProjectId"] = "prod`.x",
        });

        var refused = Assert.Throws<OptionsValidationException>(() => services.GetServices<IEventDestination>().ToList());
        Assert.Contains("PulsePoint:Destinations:BigQuery:ProjectId", refused.Message);
    }

    [Fact]
    public void Destinations_PubSub_without_a_project_is_refused_naming_the_key()
    {
        using var services = DestinationTestServices.Build(new() { ["PulsePoint:Destinations:Realtime"] = "PubSub", ["PulsePoint:Destinations:PubSub:TopicId"] = "events" });

        var refused = Assert.Throws<OptionsValidationException>(() => services.GetServices<IEventDestination>().ToList());
        Assert.Contains("PulsePoint:Destinations:PubSub:ProjectId", refused.Message);
    }
}
