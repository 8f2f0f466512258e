using System.ComponentModel.DataAnnotations;

namespace PulsePoint.Destinations;

/// <summary>The Google BigQuery warehouse (section <c>PulsePoint:Destinations:BigQuery</c>).</summary>
public sealed class BigQueryOptions
{
    public const string Section = "PulsePoint:Destinations:BigQuery";

    /// <summary>The Google Cloud project that holds the tenants' datasets.</summary>
    [Required(ErrorMessage = "PulsePoint:Destinations:BigQuery:ProjectId is required when Warehouse is BigQuery")]
    [RegularExpression(BigQueryIdentifiers.ProjectIdPattern, ErrorMessage = "PulsePoint:Destinations:BigQuery:ProjectId is not a Google Cloud project id")]
    public string? ProjectId { get; set; }

    /// <summary>Each tenant's dataset is this prefix followed by its UUID with '_' for '-'.</summary>
    [Required]
    [RegularExpression("^[A-Za-z_][A-Za-z0-9_]{0,63}$", ErrorMessage = "PulsePoint:Destinations:BigQuery:DatasetPrefix must be letters, digits and underscores")]
    public string DatasetPrefix { get; set; } = "tenant_";

    /// <summary>The events table inside each tenant's dataset.</summary>
    [Required]
    [RegularExpression(BigQueryIdentifiers.TableIdPattern, ErrorMessage = "PulsePoint:Destinations:BigQuery:Table must be letters, digits and underscores")]
    public string Table { get; set; } = "observability_events";

    /// <summary>Where new datasets are created (e.g. <c>US</c>, <c>EU</c>, <c>europe-west1</c>); also sent with queries.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9-]{2,40}$", ErrorMessage = "PulsePoint:Destinations:BigQuery:Location is not a BigQuery location")]
    public string Location { get; set; } = "US";

    /// <summary>Create each tenant's dataset and day-partitioned table on first use.</summary>
    public bool CreateOnFirstUse { get; set; } = true;

    /// <summary>Partitions (days) older than this expire: seven years by default.</summary>
    [Range(1, 36500)]
    public int PartitionExpirationDays { get; set; } = 2557;

    /// <summary>The API root.</summary>
    [Url]
    public string Endpoint { get; set; } = "https://bigquery.googleapis.com/bigquery/v2";

    /// <summary>Retries of one request after its first attempt; then delivery fails and the relay retries later.</summary>
    [Range(0, 20)]
    public int MaxRetryAttempts { get; set; } = 5;

    /// <summary>The first backoff; each retry doubles it (with jitter) up to <see cref="MaxBackoff"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest backoff between two attempts.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one HTTP request may take before it is retried.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a query may run, polling included, before the client gives up.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "06:00:00")]
    public TimeSpan QueryTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long just-committed events may gather before they are delivered here: fewer, fuller insertAll requests cost
    /// far less per event. A batch of <c>PulsePoint:Events:RelayBatchSize</c> events goes at once.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00", ErrorMessage = "PulsePoint:Destinations:BigQuery:BatchDelay must be between 0 and 1 minute")]
    public TimeSpan BatchDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Between two polls of an unfinished query (the server also waits up to this long per poll).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan QueryPollInterval { get; set; } = TimeSpan.FromSeconds(1);
}
