namespace PulsePoint.Tests.Infrastructure;

/// <summary>Test-cluster registrations shared by the fixtures.</summary>
public static class TestSiloBuilderExtensions
{
    /// <summary>
    /// The grain storage named "Default" that the silo host registers: real ADO.NET storage on the test
    /// database (its Orleans tables come from migration 0001), as the application role.
    /// </summary>
    public static ISiloBuilder AddTestGrainStorage(this ISiloBuilder silo) =>
        silo.AddAdoNetGrainStorageAsDefault(o =>
        {
            o.Invariant = "Npgsql";
            o.ConnectionString = TestDatabase.Application;
        });
}
