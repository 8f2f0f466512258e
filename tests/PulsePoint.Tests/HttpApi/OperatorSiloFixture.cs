using PulsePoint.Tests.Infrastructure;

namespace PulsePoint.Tests.HttpApi;

/// <summary>A silo host whose operator pages need an API key (<c>PulsePoint:Http:OperatorAccess=ApiKey</c>), on a database and ports of its own.</summary>
public sealed class OperatorSiloFixture : HttpSiloFixture
{
    public static readonly TestDatabase.ClusterDatabase OperatorDatabase = TestDatabase.ForCluster("pulsepoint_test_http_operator");

    private static readonly string WarehousePath = Path.Combine(Path.GetTempPath(), "pulsepoint-operator-" + Guid.NewGuid().ToString("N"), "warehouse.duckdb");

    protected override TestDatabase.ClusterDatabase OwnDatabase => OperatorDatabase;

    protected override string[] ExtraSettings =>
    [
        .. DatabaseSettings(OperatorDatabase),
        "--PulsePoint:Silo:SiloPort=22521",
        "--PulsePoint:Silo:GatewayPort=41521",
        "--PulsePoint:Silo:ClusterId=pulsepoint-operator-tests",
        "--PulsePoint:Destinations:Warehouse=DuckDb",
        $"--PulsePoint:Destinations:DuckDb:Path={WarehousePath}",
        "--PulsePoint:Http:OperatorAccess=ApiKey",
    ];
}
