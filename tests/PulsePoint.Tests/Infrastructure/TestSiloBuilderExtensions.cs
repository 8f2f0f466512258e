namespace PulsePoint.Tests.Infrastructure;

/// <summary>Test-cluster registrations shared by the fixtures.</summary>
public static class TestSiloBuilderExtensions
{
    /// <summary>
    /// The grain storage named "Default" that the silo host registers: real ADO.NET storage on the test
    /// database (its Orleans tables come from migration 0001), as the Orleans role. A cluster with a
    /// database of its own keeps its grain state there too, so that it never touches the shared database
    /// while another fixture is still creating it.
    /// </summary>
    public static ISiloBuilder AddTestGrainStorage(this ISiloBuilder silo, TestDatabase.ClusterDatabase? database = null) =>
        silo.AddAdoNetGrainStorageAsDefault(o =>
        {
            o.Invariant = "Npgsql";
            o.ConnectionString = database?.Orleans ?? TestDatabase.Orleans;
        });
}
