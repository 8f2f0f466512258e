using Npgsql;
using PulsePoint.Storage;
using PulsePoint.Tests.Infrastructure;

namespace PulsePoint.Tests.Storage;

public sealed class MigrationTests
{
    [Fact]
    public async Task Migration_runs_twice_without_error_and_applies_nothing_the_second_time()
    {
        await TestDatabase.EnsureCreatedAsync();

        Assert.Empty(SchemaMigrator.Migrate(TestDatabase.Owner));
        Assert.Empty(SchemaMigrator.Migrate(TestDatabase.Owner));
    }

    [Fact]
    public async Task Migration_scripts_themselves_are_rerunnable()
    {
        await TestDatabase.EnsureCreatedAsync();
        Assert.NotEmpty(SchemaMigrator.ExpectedScripts);
        await using var owner = TestDatabase.CreateDataSource(TestDatabase.Owner);
        foreach (var script in SchemaMigrator.ExpectedScripts)
        {
            await using var stream = typeof(SchemaMigrator).Assembly.GetManifestResourceStream(script)!;
            var sql = await new StreamReader(stream).ReadToEndAsync();
            await using var connection = await owner.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await using var command = new NpgsqlCommand(sql, connection, transaction);
            await command.ExecuteNonQueryAsync();
            await transaction.RollbackAsync();
        }
    }

    [Fact]
    public async Task Readiness_sees_no_pending_migration_after_migrate()
    {
        await TestDatabase.EnsureCreatedAsync();
        await using var application = TestDatabase.CreateDataSource(TestDatabase.Application);

        Assert.Empty(await SchemaMigrator.PendingAsync(application, CancellationToken.None));
    }
}
