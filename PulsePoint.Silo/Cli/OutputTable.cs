using System.Globalization;
using CsvHelper;
using PulsePoint.Billing;
using Spectre.Console;

namespace PulsePoint.Silo.Cli;

/// <summary>
/// A verb's tabular output, written for people (<see cref="WriteTable"/>, Spectre.Console) or for tools
/// (<see cref="WriteCsv"/>, CsvHelper). Cells are values (counts, decimals, days, text); each column's
/// <see cref="ColumnKind"/> says how they are written, the same way in both forms except that tables group thousands.
/// </summary>
/// <param name="Columns">The headers and kinds.</param>
/// <param name="Rows">One value per column in each row; null is an empty cell.</param>
/// <param name="Footer">A total line below the rows in tables (not written to CSV); null: none.</param>
public sealed record OutputTable(IReadOnlyList<OutputColumn> Columns, IReadOnlyList<IReadOnlyList<object?>> Rows, IReadOnlyList<object?>? Footer = null)
{
    /// <summary>
    /// Wide enough for the widest table the verbs print (reconcile's, with drift on every source), so rows are not
    /// wrapped by a terminal's width and a file or pipe gets the same lines.
    /// </summary>
    public const int Width = 400;

    /// <summary>The same table with a first column that holds <paramref name="value"/> in every row.</summary>
    public OutputTable WithLeadingColumn(string name, string value) =>
        new([new OutputColumn(name), .. Columns], [.. Rows.Select(r => (IReadOnlyList<object?>)[value, .. r])], Footer is null ? null : ["", .. Footer]);

    /// <summary>
    /// Writes an aligned table to <paramref name="output"/>: text left, numbers right, a rule under the headers, no
    /// colour or escape codes, no trailing blanks.
    /// </summary>
    public void WriteTable(TextWriter output)
    {
        var table = new Table { Border = TableBorder.Horizontal, ShowFooters = Footer is not null };
        for (var c = 0; c < Columns.Count; c++)
        {
            var column = new TableColumn(new Text(Columns[c].Name))
            {
                Alignment = Columns[c].Kind == ColumnKind.Text ? Justify.Left : Justify.Right,
                Footer = Footer is null ? null : new Text(Cell(c, Footer[c], grouped: true)),
            };
            table.AddColumn(column);
        }

        foreach (var row in Rows)
        {
            table.AddRow(row.Select((value, c) => new Text(Cell(c, value, grouped: true))));
        }

        var rendered = new StringWriter(CultureInfo.InvariantCulture);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(rendered),
        });
        console.Profile.Width = Width;
        console.Profile.Capabilities.Unicode = output.Encoding.WebName.StartsWith("utf", StringComparison.OrdinalIgnoreCase);
        console.Write(table);
        foreach (var line in rendered.ToString().ReplaceLineEndings("\n").TrimEnd('\n').Split('\n'))
        {
            output.WriteLine(line.TrimEnd());
        }
    }

    /// <summary>Writes the headers and rows as CSV (RFC 4180 quoting, invariant culture, no thousands separators).</summary>
    public void WriteCsv(TextWriter output)
    {
        var options = new CsvWriterOptions { FormatProvider = CultureInfo.InvariantCulture, NewLine = Environment.NewLine };
        using var csv = CsvWriter.Create(output, options, leaveOpen: true);
        csv.WriteHeader([.. Columns.Select(c => c.Name)]);
        foreach (var row in Rows)
        {
            csv.WriteRecord([.. row.Select((value, c) => Cell(c, value, grouped: false))]);
        }

        csv.Flush();
    }

    private string Cell(int column, object? value, bool grouped) => value switch
    {
        null => "",
        string text => text,
        DateOnly day => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        int or long => Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(grouped ? "N0" : "D", CultureInfo.InvariantCulture),
        decimal usd => Money.Format(usd),
        double fraction when Columns[column].Kind == ColumnKind.Percent => (fraction * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%",
        double measurement => measurement.ToString("0.000", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}
