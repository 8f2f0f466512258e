namespace PulsePoint.Silo.Cli;

/// <summary>A column of an <see cref="OutputTable"/>: its header and how its cells are written.</summary>
public sealed record OutputColumn(string Name, ColumnKind Kind = ColumnKind.Text);
