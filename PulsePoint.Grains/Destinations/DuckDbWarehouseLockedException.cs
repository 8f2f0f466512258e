namespace PulsePoint.Destinations;

/// <summary>
/// Another process already writes the DuckDB warehouse file. DuckDB allows one writing process per file,
/// so this silo refuses rather than split or corrupt the warehouse.
/// </summary>
public sealed class DuckDbWarehouseLockedException : InvalidOperationException
{
    public DuckDbWarehouseLockedException(string path, Exception inner)
        : base(
            $"The DuckDB warehouse '{path}' is already being written by another process (it holds '{path}{DuckDbWarehouseFile.LockSuffix}'). " +
            "DuckDB allows one writing process per file: run a single silo with PulsePoint:Destinations:Warehouse=DuckDb, " +
            "give each process its own PulsePoint:Destinations:DuckDb:Path, or set PulsePoint:Destinations:Warehouse=BigQuery for a multi-silo cluster.",
            inner)
    {
        Path = path;
    }

    /// <summary>The warehouse file that is locked.</summary>
    public string Path { get; }
}
