using System.Text.RegularExpressions;
using PulsePoint.Tenancy;

namespace PulsePoint.Destinations;

/// <summary>
/// The one place BigQuery names are made and quoted. Table paths end up inside SQL text (BigQuery cannot
/// bind a table name), so every part is validated against the documented character set before it is
/// back-quoted; a tenant's dataset is derived from its validated <see cref="TenantId"/>, never from a string.
/// </summary>
public static partial class BigQueryIdentifiers
{
    /// <summary>A project id: 6–30 lower-case letters, digits and hyphens, starting with a letter; optionally domain-scoped (<c>example.com:project</c>).</summary>
    public const string ProjectIdPattern = @"^([a-z][a-z0-9.\-]{0,62}[a-z0-9]:)?[a-z][a-z0-9\-]{4,28}[a-z0-9]$";

    /// <summary>A dataset id: letters, digits and underscores, at most 1024.</summary>
    public const string DatasetIdPattern = "^[A-Za-z0-9_]{1,1024}$";

    /// <summary>A table id as PulsePoint creates them: letters, digits and underscores, at most 1024.</summary>
    public const string TableIdPattern = "^[A-Za-z0-9_]{1,1024}$";

    /// <summary>The dataset of <paramref name="tenant"/>: the prefix, then the UUID in lower case with '_' for '-'.</summary>
    public static string DatasetOf(string prefix, TenantId tenant) =>
        Dataset(prefix + tenant.Value.ToString("D").Replace('-', '_'));

    /// <summary>Returns <paramref name="id"/> when it is a valid project id.</summary>
    /// <exception cref="ArgumentException">It is not.</exception>
    public static string Project(string id) => Check(id, ProjectId(), "project id");

    /// <summary>Returns <paramref name="id"/> when it is a valid dataset id.</summary>
    /// <exception cref="ArgumentException">It is not.</exception>
    public static string Dataset(string id) => Check(id, DatasetId(), "dataset id");

    /// <summary>Returns <paramref name="id"/> when it is a valid table id.</summary>
    /// <exception cref="ArgumentException">It is not.</exception>
    public static string Table(string id) => Check(id, TableId(), "table id");

    /// <summary>The back-quoted path <c>`project.dataset.table`</c> for SQL, each part validated first.</summary>
    public static string QuotedTable(string project, string dataset, string table) =>
        $"`{Project(project)}.{Dataset(dataset)}.{Table(table)}`";

    /// <summary>The back-quoted events table of <paramref name="tenant"/> under <paramref name="options"/>.</summary>
    public static string QuotedTableOf(BigQueryOptions options, TenantId tenant) =>
        QuotedTable(options.ProjectId ?? "", DatasetOf(options.DatasetPrefix, tenant), options.Table);

    private static string Check(string? id, Regex pattern, string what) =>
        id is not null && pattern.IsMatch(id)
            ? id
            : throw new ArgumentException($"'{id}' is not a valid BigQuery {what}.", nameof(id));

    [GeneratedRegex(ProjectIdPattern, RegexOptions.CultureInvariant)]
    private static partial Regex ProjectId();

    [GeneratedRegex(DatasetIdPattern, RegexOptions.CultureInvariant)]
    private static partial Regex DatasetId();

    [GeneratedRegex(TableIdPattern, RegexOptions.CultureInvariant)]
    private static partial Regex TableId();
}
